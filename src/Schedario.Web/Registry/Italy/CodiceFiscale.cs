using System.Globalization;
using System.Text;

namespace Schedario.Web.Registry.Italy;

/// <summary>
/// Italian personal tax code (codice fiscale, D.M. 23/12/1976): normalization, validation
/// (including omocodia variants) and computation.
/// Layout: LLL (surname) LLL (name) DD (year) L (month) DD (day, +40 for women)
/// LDDD (Belfiore cadastral code of the birthplace) L (check character).
/// </summary>
public static class CodiceFiscale
{
    public const int Length = 16;

    /// <summary>Letters that replace the digits 0-9 in omocodic codes (0=L, 1=M, … 9=V).</summary>
    public const string OmocodiaLetters = "LMNPQRSTUV";

    /// <summary>Month letters for January..December.</summary>
    public const string MonthLetters = "ABCDEHLMPRST";

    // Positions (0-based) that hold digits in a non-omocodic code; omocodia replaces them
    // right to left (14, 13, 12, 10, 9, 7, 6).
    private static readonly int[] DigitPositions = [6, 7, 9, 10, 12, 13, 14];

    // Value of the characters in odd positions (1st, 3rd, … 15th), indexed by 0-9 / A-Z.
    private static readonly int[] OddValues =
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

    /// <summary>Trims, removes every white-space character and upper-cases (invariant).</summary>
    public static string Normalize(string? input)
    {
        if (string.IsNullOrEmpty(input)) return "";
        var sb = new StringBuilder(input.Length);
        foreach (var c in input)
        {
            if (char.IsWhiteSpace(c)) continue;
            sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>
    /// True when the input (after <see cref="Normalize"/>) is a structurally valid codice fiscale
    /// with the right check character. Omocodic codes (digits replaced by L M N P Q R S T U V) are accepted.
    /// The day must be 1-31 (men) or 41-71 (women); the month letter one of ABCDEHLMPRST.
    /// </summary>
    public static bool IsValid(string? input)
    {
        var cf = Normalize(input);
        if (cf.Length != Length) return false;
        for (var i = 0; i < Length; i++)
        {
            var c = cf[i];
            var ok = i switch
            {
                6 or 7 or 9 or 10 or 12 or 13 or 14 => IsAsciiDigit(c) || OmocodiaLetters.Contains(c),
                _ => c is >= 'A' and <= 'Z',
            };
            if (!ok) return false;
        }
        if (!MonthLetters.Contains(cf[8])) return false;
        var day = DigitValue(cf[9]) * 10 + DigitValue(cf[10]);
        if (day is < 1 or > 71 || day is > 31 and < 41) return false;
        return ComputeCheckChar(cf.AsSpan(0, 15)) == cf[15];
    }

    /// <summary>Check character for the first 15 characters (digits or upper/lower-case letters).</summary>
    public static char ComputeCheckChar(string first15)
    {
        ArgumentNullException.ThrowIfNull(first15);
        if (first15.Length < 15) throw new ArgumentException("At least 15 characters are required.", nameof(first15));
        return ComputeCheckChar(first15.AsSpan(0, 15));
    }

    private static char ComputeCheckChar(ReadOnlySpan<char> first15)
    {
        var sum = 0;
        for (var i = 0; i < 15; i++)
        {
            var c = char.ToUpperInvariant(first15[i]);
            int index;
            if (IsAsciiDigit(c)) index = c - '0';
            else if (c is >= 'A' and <= 'Z') index = c - 'A';
            else throw new ArgumentException($"Invalid character '{first15[i]}' at position {i + 1}.", nameof(first15));
            // Positions are 1-based in the specification: odd = 0, 2, 4 … here.
            sum += i % 2 == 0 ? OddValues[index] : index;
        }
        return (char)('A' + sum % 26);
    }

    /// <summary>
    /// Computes the codice fiscale. Names are reduced to A-Z (accents removed, apostrophes, spaces
    /// and other symbols dropped). <paramref name="belfioreCode"/> is the cadastral code of the
    /// birthplace (e.g. "F205" Milano, "H501" Roma, or "Z…" for a foreign country).
    /// </summary>
    public static string Compute(string lastName, string firstName, DateOnly birthDate, bool female, string belfioreCode)
    {
        ArgumentNullException.ThrowIfNull(lastName);
        ArgumentNullException.ThrowIfNull(firstName);
        ArgumentNullException.ThrowIfNull(belfioreCode);
        var belfiore = Normalize(belfioreCode);
        if (belfiore.Length != 4 || belfiore[0] is < 'A' or > 'Z'
            || !IsAsciiDigit(belfiore[1]) || !IsAsciiDigit(belfiore[2]) || !IsAsciiDigit(belfiore[3]))
            throw new ArgumentException("The Belfiore code must be a letter followed by three digits.", nameof(belfioreCode));

        Span<char> cf = stackalloc char[Length];
        SurnamePart(lastName, cf[..3]);
        NamePart(firstName, cf.Slice(3, 3));
        var yy = birthDate.Year % 100;
        cf[6] = (char)('0' + yy / 10);
        cf[7] = (char)('0' + yy % 10);
        cf[8] = MonthLetters[birthDate.Month - 1];
        var day = birthDate.Day + (female ? 40 : 0);
        cf[9] = (char)('0' + day / 10);
        cf[10] = (char)('0' + day % 10);
        belfiore.AsSpan().CopyTo(cf.Slice(11, 4));
        cf[15] = ComputeCheckChar(cf[..15]);
        return new string(cf);
    }

    /// <summary>
    /// Returns the omocodic variant of a code with the last <paramref name="level"/> digit positions
    /// (1-7, right to left) replaced by their letters and the check character recomputed.
    /// </summary>
    public static string ToOmocodia(string cf, int level)
    {
        var code = Normalize(cf);
        if (code.Length != Length) throw new ArgumentException("A 16-character code is required.", nameof(cf));
        if (level is < 0 or > 7) throw new ArgumentOutOfRangeException(nameof(level));
        Span<char> buf = stackalloc char[Length];
        code.AsSpan().CopyTo(buf);
        for (var k = 0; k < level; k++)
        {
            var pos = DigitPositions[DigitPositions.Length - 1 - k];
            if (IsAsciiDigit(buf[pos])) buf[pos] = OmocodiaLetters[buf[pos] - '0'];
        }
        buf[15] = ComputeCheckChar(buf[..15]);
        return new string(buf);
    }

    /// <summary>
    /// Reads the birth date from a valid code. The two-digit year is placed in the most recent
    /// century that does not put the date after <paramref name="referenceDate"/>.
    /// </summary>
    public static bool TryGetBirthDate(string? cf, DateOnly referenceDate, out DateOnly date)
    {
        date = default;
        var code = Normalize(cf);
        if (!IsValid(code)) return false;
        var yy = DigitValue(code[6]) * 10 + DigitValue(code[7]);
        var month = MonthLetters.IndexOf(code[8]) + 1;
        var day = DigitValue(code[9]) * 10 + DigitValue(code[10]);
        if (day > 40) day -= 40;
        var century = referenceDate.Year / 100 * 100;
        var year = century + yy;
        if (year > referenceDate.Year) year -= 100;
        if (day > DateTime.DaysInMonth(year, month)) return false;
        date = new DateOnly(year, month, day);
        if (date > referenceDate)
        {
            year -= 100;
            if (year < 1 || day > DateTime.DaysInMonth(year, month)) return false;
            date = new DateOnly(year, month, day);
        }
        return true;
    }

    /// <summary>Reads the birth date, resolving the century against today's date.</summary>
    public static bool TryGetBirthDate(string? cf, out DateOnly date)
        => TryGetBirthDate(cf, DateOnly.FromDateTime(DateTime.Today), out date);

    /// <summary>Reads the sex from a valid code (day + 40 means female).</summary>
    public static bool TryGetFemale(string? cf, out bool female)
    {
        female = false;
        var code = Normalize(cf);
        if (!IsValid(code)) return false;
        female = DigitValue(code[9]) * 10 + DigitValue(code[10]) > 40;
        return true;
    }

    /// <summary>Cadastral (Belfiore) code of the birthplace, de-omocodified, or null when the code is invalid.</summary>
    public static string? GetBelfioreCode(string? cf)
    {
        var code = Normalize(cf);
        if (!IsValid(code)) return null;
        Span<char> belfiore = stackalloc char[4];
        belfiore[0] = code[11];
        for (var i = 1; i < 4; i++) belfiore[i] = (char)('0' + DigitValue(code[11 + i]));
        return new string(belfiore);
    }

    private static void SurnamePart(string surname, Span<char> dest)
    {
        Span<char> consonants = stackalloc char[3];
        Span<char> vowels = stackalloc char[3];
        Split(surname, consonants, vowels, out var nc, out var nv);
        var n = 0;
        for (var i = 0; i < nc && n < 3; i++) dest[n++] = consonants[i];
        for (var i = 0; i < nv && n < 3; i++) dest[n++] = vowels[i];
        while (n < 3) dest[n++] = 'X';
    }

    private static void NamePart(string name, Span<char> dest)
    {
        Span<char> consonants = stackalloc char[4];
        Span<char> vowels = stackalloc char[3];
        Split(name, consonants, vowels, out var nc, out var nv);
        if (nc >= 4)
        {
            dest[0] = consonants[0];
            dest[1] = consonants[2];
            dest[2] = consonants[3];
            return;
        }
        var n = 0;
        for (var i = 0; i < nc && n < 3; i++) dest[n++] = consonants[i];
        for (var i = 0; i < nv && n < 3; i++) dest[n++] = vowels[i];
        while (n < 3) dest[n++] = 'X';
    }

    /// <summary>
    /// Collects the first consonants and vowels (A-Z only, accents folded) up to the buffers' sizes.
    /// <paramref name="consonantCount"/> saturates at the buffer size.
    /// </summary>
    private static void Split(string text, Span<char> consonants, Span<char> vowels, out int consonantCount, out int vowelCount)
    {
        consonantCount = 0;
        vowelCount = 0;
        var ascii = true;
        foreach (var ch in text)
        {
            if (ch > 127) { ascii = false; break; }
        }
        var source = ascii ? text : FoldAccents(text);
        foreach (var ch in source)
        {
            var c = char.ToUpperInvariant(ch);
            if (c is < 'A' or > 'Z') continue;
            if (c is 'A' or 'E' or 'I' or 'O' or 'U')
            {
                if (vowelCount < vowels.Length) vowels[vowelCount++] = c;
            }
            else if (consonantCount < consonants.Length)
            {
                consonants[consonantCount++] = c;
            }
        }
    }

    private static string FoldAccents(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';

    /// <summary>Digit value of a digit or of an omocodia letter; -1 otherwise.</summary>
    private static int DigitValue(char c)
    {
        if (IsAsciiDigit(c)) return c - '0';
        return OmocodiaLetters.IndexOf(c);
    }
}
