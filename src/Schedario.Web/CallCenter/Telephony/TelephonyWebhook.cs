using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Telephony;

/// <summary>
/// The generic CTI webhook's rules, apart from HTTP: the signature
/// (<c>X-Schedario-Signature: sha256=hex(HMAC-SHA256(secret, "{timestamp}.{body}"))</c>, with
/// <c>X-Schedario-Timestamp</c> in unix seconds, at most the tolerance away from now) and the body.
/// </summary>
public static class TelephonyWebhook
{
    public const string SignatureHeader = "X-Schedario-Signature";
    public const string TimestampHeader = "X-Schedario-Timestamp";
    /// <summary>Source written on events whose body names none.</summary>
    public const string DefaultSource = "cti";

    /// <summary>The header value a sender computes: <c>sha256=</c> and the lower-case hex HMAC.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(Mac(secret, timestamp, body));

    /// <summary>Null when the request is authentic; else why not (for the 401's detail).</summary>
    public static string? Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, int toleranceSeconds)
    {
        if (string.IsNullOrWhiteSpace(timestamp) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
            return $"{TimestampHeader} mancante o non valido (secondi dal 1970).";
        if (Math.Abs(now.ToUnixTimeSeconds() - unix) > toleranceSeconds)
            return $"{TimestampHeader} fuori tolleranza ({toleranceSeconds} s): richiesta scaduta o orologio sbagliato.";
        if (string.IsNullOrWhiteSpace(signature) || !signature.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
            return $"{SignatureHeader} mancante o non nel formato sha256=<hex>.";
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(7).Trim());
        }
        catch (FormatException)
        {
            return "Firma non valida.";
        }
        var expected = Mac(secret, timestamp, body);
        return CryptographicOperations.FixedTimeEquals(given, expected) ? null : "Firma non valida.";
    }

    static byte[] Mac(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
    }

    /// <summary>Reads the body into an event; field errors name the JSON member.</summary>
    public static TelephonyEvent Parse(ReadOnlySpan<byte> body, DateTime now)
    {
        var errors = new FieldErrors();
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new ValidationException(errors.Add("body", $"JSON non valido: {e.Message}"));
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ValidationException(errors.Add("body", "Atteso un oggetto JSON."));

            string? Text(string name, int max, bool required = false)
            {
                if (!TryGet(root, name, out var v) || v.ValueKind == JsonValueKind.Null)
                {
                    if (required) errors.Add(name, "Campo obbligatorio.");
                    return null;
                }
                if (v.ValueKind != JsonValueKind.String) { errors.Add(name, "Atteso un testo."); return null; }
                var s = v.GetString()!.Trim();
                if (s.Length == 0) { if (required) errors.Add(name, "Campo obbligatorio."); return null; }
                if (s.Length > max) { errors.Add(name, $"Al massimo {max} caratteri."); return null; }
                return s;
            }

            var source = Text("source", 20) ?? DefaultSource;
            var callId = Text("callId", 100, required: true);
            var kindText = Text("kind", 20, required: true);
            TelephonyEventKind kind = default;
            if (kindText is not null && !TryKind(kindText, out kind)) errors.Add("kind", "Valori ammessi: ringing, answered, hungUp, recording.");
            var direction = CallDirection.Inbound;
            if (Text("direction", 20) is { } d)
            {
                if (d.Equals("inbound", StringComparison.OrdinalIgnoreCase)) direction = CallDirection.Inbound;
                else if (d.Equals("outbound", StringComparison.OrdinalIgnoreCase)) direction = CallDirection.Outbound;
                else errors.Add("direction", "Valori ammessi: inbound, outbound.");
            }
            var occurredAt = now;
            if (Text("occurredAt", 40) is { } at)
            {
                if (DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) occurredAt = parsed.UtcDateTime;
                else errors.Add("occurredAt", "Data e ora ISO 8601 non valida.");
            }
            int? duration = null;
            if (TryGet(root, "durationSeconds", out var dv) && dv.ValueKind != JsonValueKind.Null)
            {
                if (dv.ValueKind == JsonValueKind.Number && dv.TryGetInt32(out var sec) && sec >= 0) duration = sec;
                else errors.Add("durationSeconds", "Atteso un numero intero di secondi, 0 o più.");
            }
            var caller = Text("caller", 40);
            var called = Text("called", 40);
            var extension = Text("extension", 40);
            var cause = Text("cause", 100);
            var recordingRef = Text("recordingRef", 400);
            if (kindText is not null && kind == TelephonyEventKind.Recording && recordingRef is null && !errors.All.ContainsKey("recordingRef"))
                errors.Add("recordingRef", "Obbligatorio per un evento recording.");
            if (errors.Any) throw new ValidationException(errors);

            return new TelephonyEvent(source, callId!, kind, occurredAt, direction, caller, called, extension, duration, cause, recordingRef,
                Payload: Encoding.UTF8.GetString(body));
        }
    }

    static bool TryKind(string text, out TelephonyEventKind kind)
    {
        kind = default;
        var normal = text.Replace("-", "").Replace("_", "");
        foreach (var k in Enum.GetValues<TelephonyEventKind>())
            if (string.Equals(k.ToString(), normal, StringComparison.OrdinalIgnoreCase)) { kind = k; return true; }
        return false;
    }

    /// <summary>Member by name, camelCase as documented, or any case.</summary>
    static bool TryGet(JsonElement root, string name, out JsonElement value)
    {
        if (root.TryGetProperty(name, out value)) return true;
        foreach (var p in root.EnumerateObject())
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) { value = p.Value; return true; }
        return false;
    }
}
