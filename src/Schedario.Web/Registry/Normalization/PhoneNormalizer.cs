using PhoneNumbers;

namespace Schedario.Web.Registry.Normalization;

/// <summary>Phone numbers as typed ("333 123 4567", "0039 02 1234567") to E.164, Italy by default.</summary>
public static class PhoneNormalizer
{
    static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    // Validating a record and then writing it asks for the same numbers twice in a row (an import
    // does that a million times, and a parse is most of its normalisation): the last few answers
    // are kept per thread.
    const int Remembered = 4;
    [ThreadStatic] static (string Input, string Region, string E164, bool Ok)[]? _recent;
    [ThreadStatic] static int _next;

    public static bool TryNormalize(string? input, out string e164, string defaultRegion = "IT")
    {
        e164 = "";
        if (string.IsNullOrWhiteSpace(input)) return false;
        var recent = _recent ??= new (string, string, string, bool)[Remembered];
        foreach (var r in recent)
            if (r.Input is not null && string.Equals(r.Input, input, StringComparison.Ordinal) && string.Equals(r.Region, defaultRegion, StringComparison.Ordinal))
            {
                e164 = r.E164;
                return r.Ok;
            }
        var ok = Parse(input, defaultRegion, out e164);
        recent[_next] = (input, defaultRegion, e164, ok);
        _next = (_next + 1) % Remembered;
        return ok;
    }

    static bool Parse(string input, string defaultRegion, out string e164)
    {
        e164 = "";
        var text = input.Trim();
        // Too short or too long to be a phone: do not let the parser guess.
        var digits = text.Count(char.IsDigit);
        if (digits < 6 || digits > 17) return false;
        try
        {
            var number = Util.Parse(text, defaultRegion);
            if (!Util.IsValidNumber(number)) return false;
            e164 = Util.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    /// <summary>E.164 or null: for search boxes where a non-phone is simply not a phone.</summary>
    public static string? NormalizeOrNull(string? input) => TryNormalize(input, out var e) ? e : null;

    public static bool LooksLikeMobile(string e164) => e164.StartsWith("+393", StringComparison.Ordinal);
}
