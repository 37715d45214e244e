using System.Text;

namespace Schedario.Web.CallCenter.Telephony;

/// <summary>
/// One message of the Asterisk Manager Interface: <c>Key: Value</c> lines ended by CR LF, a blank
/// line ends the message; the server's first line is the banner <c>Asterisk Call Manager/x.y.z</c>.
/// Keys are case-insensitive and may repeat (Originate's <c>Variable</c>).
/// Format: docs.asterisk.org, "AMI v2 Specification"
/// (https://docs.asterisk.org/Configuration/Interfaces/Asterisk-Manager-Interface-AMI/AMI-v2-Specification/).
/// </summary>
public sealed class AmiMessage
{
    readonly List<KeyValuePair<string, string>> fields = [];

    public IReadOnlyList<KeyValuePair<string, string>> Fields => fields;

    public AmiMessage Add(string key, string? value)
    {
        if (value is not null) fields.Add(new(key, value));
        return this;
    }

    /// <summary>The first value of <paramref name="key"/>, or null.</summary>
    public string? this[string key]
    {
        get
        {
            foreach (var (k, v) in fields)
                if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) return v;
            return null;
        }
    }

    public IEnumerable<string> All(string key) =>
        fields.Where(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value);

    public string? Event => this["Event"];
    public string? Response => this["Response"];
    public string? ActionId => this["ActionID"];

    public static AmiMessage Action(string name) => new AmiMessage().Add("Action", name);

    /// <summary>The wire form, blank line included.</summary>
    public string Serialize()
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in fields)
            // A value can never carry a line break: it would end the field (or the message) early.
            sb.Append(k).Append(": ").Append(v.Replace("\r", " ").Replace("\n", " ")).Append("\r\n");
        return sb.Append("\r\n").ToString();
    }

    /// <summary>Reads the next message; null at the end of the stream. Lines without a colon (command output) are kept as <c>Output</c>.</summary>
    public static async Task<AmiMessage?> ReadAsync(TextReader reader, CancellationToken ct)
    {
        AmiMessage? message = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(ct);
            if (line is null) return message;
            if (line.Length == 0)
            {
                if (message is not null) return message;
                continue;
            }
            message ??= new AmiMessage();
            var colon = line.IndexOf(':');
            if (colon <= 0) message.Add("Output", line);
            else message.Add(line[..colon].Trim(), line[(colon + 1)..].TrimStart());
        }
    }

    public override string ToString() => Serialize().TrimEnd();
}
