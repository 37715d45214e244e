using System.Globalization;
using System.Text;
using Schedario.Web.Registry.Normalization;

namespace Schedario.Web.CallCenter.Compliance;

/// <summary>A line of the register's file that is not a phone number (1-based line number, its text cut short).</summary>
public sealed record MalformedLine(int Line, string Text);

/// <summary>What a register file holds: its distinct numbers and the lines that were not numbers.</summary>
public sealed class ParsedRegisterFile
{
    /// <summary>E.164 numbers without the '+', as integers: a million of them take 8 MB, not a hundred.</summary>
    public HashSet<long> Numbers { get; } = [];
    /// <summary>Data lines read (blank lines and the header not counted).</summary>
    public int Lines { get; set; }
    public int Malformed { get; set; }
    /// <summary>The first <see cref="OppositionRegisterFile.MalformedReported"/> malformed lines.</summary>
    public List<MalformedLine> MalformedLines { get; } = [];
    public bool HadHeader { get; set; }

    public static string ToE164(long digits) => "+" + digits.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Reads a list exported from the Registro Pubblico delle Opposizioni: one number per line, or a
/// CSV whose first column (separated by ';', ',' or a tab) is the number; national (0…, 3…) or
/// international (+39…, 0039…) form. Blank lines are skipped; a first line that is not a number and
/// has letters in it is a header. Any other line that is not a valid number is counted and reported
/// with its line number, and never stops the valid ones.
/// </summary>
public static class OppositionRegisterFile
{
    public const int MalformedReported = 50;
    const int Chunk = 16_384;

    public static async Task<ParsedRegisterFile> ParseAsync(Stream stream, CancellationToken ct = default)
    {
        var result = new ParsedRegisterFile();
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var lines = new string?[Chunk];
        var parsed = new long[Chunk];
        var lineNo = 0;
        var seenData = false;
        while (true)
        {
            var count = 0;
            var first = lineNo + 1;
            while (count < Chunk && await reader.ReadLineAsync(ct) is { } line)
            {
                lines[count++] = line;
                lineNo++;
            }
            if (count == 0) break;
            // Parsing is most of the work (libphonenumber): both cores share it, in order-free chunks.
            Parallel.For(0, count, new ParallelOptions { CancellationToken = ct }, i => parsed[i] = ParseLine(lines[i]));
            for (var i = 0; i < count; i++)
            {
                var value = parsed[i];
                if (value == Blank) continue;
                if (value == Bad && !seenData && HasLetter(lines[i]!))
                {
                    // The header: the first non-blank line, not a number, with words in it.
                    seenData = true;
                    result.HadHeader = true;
                    continue;
                }
                seenData = true;
                result.Lines++;
                if (value == Bad)
                {
                    result.Malformed++;
                    if (result.MalformedLines.Count < MalformedReported)
                    {
                        var text = lines[i]!.Trim();
                        result.MalformedLines.Add(new MalformedLine(first + i, text.Length > 80 ? text[..80] + "…" : text));
                    }
                }
                else result.Numbers.Add(value);
            }
            Array.Clear(lines, 0, count);
        }
        return result;
    }

    const long Blank = 0, Bad = -1;

    static long ParseLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return Blank;
        var text = line.AsSpan();
        var cut = text.IndexOfAny(';', ',', '\t');
        if (cut >= 0) text = text[..cut];
        text = text.Trim().Trim('"').Trim();
        if (text.IsEmpty) return Bad;
        // "0039…" is how some exports write +39.
        var candidate = text.StartsWith("00") && !text.StartsWith("000") ? "+" + text[2..].ToString() : text.ToString();
        if (!PhoneNormalizer.TryNormalize(candidate, out var e164)) return Bad;
        return long.TryParse(e164.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var digits) && digits > 0 ? digits : Bad;
    }

    static bool HasLetter(string line)
    {
        foreach (var c in line) if (char.IsLetter(c)) return true;
        return false;
    }
}
