using System.Text;

namespace Schedario.Web.Registry.Italy;

/// <summary>
/// Italian VAT number (partita IVA): 11 digits, the first 7 the taxpayer's serial number,
/// digits 8-10 the provincial office code, the 11th a Luhn check digit.
/// </summary>
public static class PartitaIva
{
    public const int Length = 11;

    /// <summary>
    /// Trims, removes spaces (and other white space), dots, dashes and slashes, upper-cases and
    /// strips a leading "IT" country prefix (e.g. "IT 012.345.678-97" → "01234567897").
    /// </summary>
    public static string Normalize(string? input)
    {
        if (string.IsNullOrEmpty(input)) return "";
        var sb = new StringBuilder(input.Length);
        foreach (var c in input)
        {
            if (char.IsWhiteSpace(c) || c is '.' or '-' or '/' or '_') continue;
            sb.Append(char.ToUpperInvariant(c));
        }
        if (sb.Length >= 2 && sb[0] == 'I' && sb[1] == 'T') sb.Remove(0, 2);
        return sb.ToString();
    }

    /// <summary>
    /// True when the input (after <see cref="Normalize"/>) is 11 digits, the first 7 not all zero,
    /// and the last digit is the right check digit.
    /// </summary>
    public static bool IsValid(string? input)
    {
        var piva = Normalize(input);
        if (piva.Length != Length) return false;
        foreach (var c in piva)
        {
            if (c is < '0' or > '9') return false;
        }
        if (piva.AsSpan(0, 7).IndexOfAnyExcept('0') < 0) return false;
        return ComputeCheckDigit(piva.AsSpan(0, 10)) == piva[10] - '0';
    }

    /// <summary>Check digit (0-9) for the first 10 digits.</summary>
    public static int ComputeCheckDigit(string first10)
    {
        ArgumentNullException.ThrowIfNull(first10);
        if (first10.Length < 10) throw new ArgumentException("At least 10 digits are required.", nameof(first10));
        return ComputeCheckDigit(first10.AsSpan(0, 10));
    }

    private static int ComputeCheckDigit(ReadOnlySpan<char> first10)
    {
        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            var c = first10[i];
            if (c is < '0' or > '9') throw new ArgumentException($"Invalid character '{c}' at position {i + 1}.", nameof(first10));
            var d = c - '0';
            if (i % 2 == 1)
            {
                // Digits in even positions (2nd, 4th, …) are doubled, subtracting 9 when over 9.
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return (10 - sum % 10) % 10;
    }
}
