using System.Text;
using MiniExcelLibs;
using Sylvan.Data.Csv;

namespace Schedario.Web.Registry.Import;

/// <summary>
/// Reads an uploaded CSV or XLSX row by row from disk: never the whole file in memory.
/// Row numbers are the spreadsheet's (the header is row 1), so the error report points the
/// user at the line to fix.
/// </summary>
public sealed class ImportFile
{
    public IReadOnlyList<string> Headers { get; }
    readonly string _path;
    readonly bool _excel;
    readonly char _delimiter;

    ImportFile(string path, bool excel, char delimiter, IReadOnlyList<string> headers)
    {
        _path = path;
        _excel = excel;
        _delimiter = delimiter;
        Headers = headers;
    }

    public static bool IsExcel(string fileName) => fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase);

    public static bool IsSupported(string fileName) =>
        IsExcel(fileName) || fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".txt", StringComparison.OrdinalIgnoreCase);

    public static ImportFile Open(string path, string fileName)
    {
        if (IsExcel(fileName))
        {
            var first = MiniExcel.Query(path, useHeaderRow: true).Cast<IDictionary<string, object?>>().FirstOrDefault();
            var headers = first?.Keys.ToList() ?? MiniExcel.GetColumns(path, useHeaderRow: true).ToList();
            return new ImportFile(path, excel: true, ',', headers);
        }
        string headerLine;
        using (var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            headerLine = reader.ReadLine() ?? "";
        var delimiter = DetectDelimiter(headerLine);
        using var csv = CsvDataReader.Create(new StreamReader(path, Encoding.UTF8, true), new CsvDataReaderOptions { Delimiter = delimiter, HasHeaders = true });
        var names = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetName(i).Trim()).ToList();
        return new ImportFile(path, excel: false, delimiter, names);
    }

    /// <summary>Italian spreadsheets save CSV with ';'; others use ',' or a tab: take the most frequent.</summary>
    static char DetectDelimiter(string headerLine) =>
        new[] { ';', ',', '\t', '|' }.OrderByDescending(c => headerLine.Count(x => x == c)).First();

    /// <summary>Data rows, counted by a fast pass over the lines (CSV) or the sheet (XLSX).</summary>
    public int CountRows()
    {
        if (_excel) return MiniExcel.Query(_path, useHeaderRow: true).Count();
        using var reader = new StreamReader(_path, Encoding.UTF8, true, 1 << 16);
        var lines = 0;
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) lines++;
        return Math.Max(0, lines - 1);
    }

    public IEnumerable<(int Row, string?[] Values)> Rows()
    {
        if (_excel)
        {
            var row = 1;
            foreach (IDictionary<string, object?> r in MiniExcel.Query(_path, useHeaderRow: true).Cast<IDictionary<string, object?>>())
            {
                row++;
                var values = new string?[Headers.Count];
                for (var i = 0; i < Headers.Count; i++)
                    values[i] = r.TryGetValue(Headers[i], out var v) ? CellText(v) : null;
                if (values.All(string.IsNullOrWhiteSpace)) continue;
                yield return (row, values);
            }
            yield break;
        }
        using var csv = CsvDataReader.Create(new StreamReader(_path, Encoding.UTF8, true, 1 << 16),
            new CsvDataReaderOptions { Delimiter = _delimiter, HasHeaders = true, BufferSize = 1 << 16 });
        var line = 1;
        while (csv.Read())
        {
            line++;
            var values = new string?[Headers.Count];
            var count = Math.Min(csv.RowFieldCount, Headers.Count);
            for (var i = 0; i < count; i++) values[i] = csv.GetString(i);
            if (values.All(string.IsNullOrWhiteSpace)) continue;
            yield return (line, values);
        }
    }

    static string? CellText(object? v) => v switch
    {
        null => null,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => ((long)d).ToString(System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };
}
