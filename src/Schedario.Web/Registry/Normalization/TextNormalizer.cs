using System.Globalization;
using System.Text;

namespace Schedario.Web.Registry.Normalization;

public static class TextNormalizer
{
    /// <summary>Trims and collapses inner white space; null for blank.</summary>
    public static string? Clean(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) return null;
        if (IsClean(input)) return input; // most values: no copy
        var sb = new StringBuilder(input.Length);
        var space = false;
        foreach (var ch in input.Trim())
        {
            if (char.IsWhiteSpace(ch)) { space = true; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(ch);
        }
        return sb.ToString();
    }

    /// <summary>No white space at the ends, and inside only single plain spaces.</summary>
    static bool IsClean(string s)
    {
        if (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1])) return false;
        for (var i = 1; i < s.Length - 1; i++)
        {
            var ch = s[i];
            if (ch == ' ' ? s[i + 1] == ' ' : char.IsWhiteSpace(ch)) return false;
        }
        return true;
    }

    static readonly CultureInfo Italian = CultureInfo.GetCultureInfo("it-IT");

    /// <summary>
    /// Proper-cases a name typed all in upper or all in lower case ("ROSSI" → "Rossi",
    /// "d'amico" → "D'Amico", "de luca" → "De Luca"); a name in mixed case is kept as typed.
    /// </summary>
    public static string? PersonName(string? input)
    {
        var s = Clean(input);
        if (s is null) return null;
        var hasUpper = s.Any(char.IsUpper);
        var hasLower = s.Any(char.IsLower);
        if (hasUpper && hasLower) return s;
        var chars = s.ToLower(Italian).ToCharArray();
        var startOfWord = true;
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsLetter(chars[i]))
            {
                if (startOfWord) chars[i] = char.ToUpper(chars[i], Italian);
                startOfWord = false;
            }
            else startOfWord = chars[i] is ' ' or '\'' or '-' or '’' or '.';
        }
        return new string(chars);
    }

    /// <summary>Lower case, no accents, letters and digits only separated by single spaces: a search key.</summary>
    public static string SearchKey(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) return "";
        // ASCII has nothing to decompose: skip the Unicode normalisation (and its copy).
        var decomposed = System.Text.Ascii.IsValid(input) ? input : input.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var ch in decomposed)
        {
            var cat = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (cat == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(ch))
            {
                if (space && sb.Length > 0) sb.Append(' ');
                space = false;
                sb.Append(char.ToLowerInvariant(ch));
            }
            else space = true;
        }
        return sb.ToString();
    }

    public static string? Email(string? input)
    {
        var s = input?.Trim();
        return string.IsNullOrEmpty(s) ? null : s.ToLowerInvariant();
    }

    public static bool IsValidEmail(string email)
    {
        // Pragmatic check: one @, a dot in the domain, no spaces; MailAddress does the rest.
        if (email.Length > 254 || email.Contains(' ') || email.Count(c => c == '@') != 1) return false;
        var at = email.IndexOf('@');
        if (at < 1 || at == email.Length - 1) return false;
        var domain = email[(at + 1)..];
        if (!domain.Contains('.') || domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains("..")) return false;
        return System.Net.Mail.MailAddress.TryCreate(email, out var parsed) && parsed.Address == email;
    }
}
