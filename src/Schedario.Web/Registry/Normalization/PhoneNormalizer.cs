using PhoneNumbers;

namespace Schedario.Web.Registry.Normalization;

/// <summary>Phone numbers as typed ("333 123 4567", "0039 02 1234567") to E.164, Italy by default.</summary>
public static class PhoneNormalizer
{
    static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static bool TryNormalize(string? input, out string e164, string defaultRegion = "IT")
    {
        e164 = "";
        if (string.IsNullOrWhiteSpace(input)) return false;
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
