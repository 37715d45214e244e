namespace Schedario.Web.Registry.Italy;

/// <summary>Italian postal code (CAP, codice di avviamento postale): five digits.</summary>
public static class PostalCode
{
    public const int Length = 5;

    /// <summary>
    /// Trims and keeps the digits only. Values that lost their leading zeros in a spreadsheet
    /// (e.g. "1100" for Viterbo's "01100", "184" for Rome's "00184") are padded
    /// back to five digits: 3- and 4-digit results get leading zeros. A trailing spreadsheet
    /// decimal part such as "20121.0" is dropped. Returns "" for null or empty input.
    /// </summary>
    public static string Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) return "";
        var text = input.Trim();
        // "20121.0" / "20121,00": a number formatted by a spreadsheet.
        var sep = text.IndexOfAny(['.', ',']);
        if (sep > 0 && sep < text.Length - 1 && IsAllDigits(text.AsSpan(0, sep)) && text.AsSpan(sep + 1).IndexOfAnyExcept('0') < 0)
            text = text[..sep];
        Span<char> digits = text.Length <= 128 ? stackalloc char[text.Length] : new char[text.Length];
        var n = 0;
        foreach (var c in text)
        {
            if (c is >= '0' and <= '9') digits[n++] = c;
        }
        if (n == 0) return "";
        var result = new string(digits[..n]);
        return n is 3 or 4 ? result.PadLeft(Length, '0') : result;
    }

    /// <summary>True when the input, trimmed, is exactly five ASCII digits (no padding is applied).</summary>
    public static bool IsValid(string? input)
    {
        if (input is null) return false;
        var text = input.AsSpan().Trim();
        return text.Length == Length && IsAllDigits(text);
    }

    private static bool IsAllDigits(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return false;
        foreach (var c in text)
        {
            if (c is < '0' or > '9') return false;
        }
        return true;
    }
}
