using System.Diagnostics;
using System.Globalization;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Import;

namespace Schedario.Bench;

/// <summary>
/// The import's CPU half without a database, step by step, on one thread: CSV read, row to
/// input, validation, normalisation onto the record. Says which step to make cheaper.
/// </summary>
static class PrepareCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var rows = args.Long("rows");
        var file = await ImportCommand.EnsureFileAsync(args, rows);
        var limit = args.Long("limit", long.MaxValue);
        var import = ImportFile.Open(file, Path.GetFileName(file));
        var mapping = ImportFields.Suggest(import.Headers);
        var fieldOfColumn = import.Headers.Select(h => mapping.TryGetValue(h, out var f) ? f : null).ToArray();
        var now = DateTime.UtcNow;
        var importId = Guid.CreateVersion7();
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        long read = 0, toInput = 0, validate = 0, apply = 0, n = 0;
        long aRead = 0, aToInput = 0, aValidate = 0, aApply = 0;
        var a = GC.GetAllocatedBytesForCurrentThread();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.GetTimestamp();
        var t = Stopwatch.GetTimestamp();
        foreach (var (_, raw) in import.Rows())
        {
            var t1 = Stopwatch.GetTimestamp();
            read += t1 - t;
            var a1 = GC.GetAllocatedBytesForCurrentThread();
            aRead += a1 - a;
            values.Clear();
            for (var i = 0; i < fieldOfColumn.Length; i++)
                if (fieldOfColumn[i] is { } field) values[field] = raw[i];
            var input = ImportFields.ToInput(values, now);
            var t2 = Stopwatch.GetTimestamp();
            toInput += t2 - t1;
            var a2 = GC.GetAllocatedBytesForCurrentThread();
            aToInput += a2 - a1;
            var bad = CustomerWriter.Validate(input).Any;
            var t3 = Stopwatch.GetTimestamp();
            validate += t3 - t2;
            var a3 = GC.GetAllocatedBytesForCurrentThread();
            aValidate += a3 - a2;
            if (!bad)
            {
                var customer = new Customer { CreatedByImportId = importId };
                CustomerWriter.Apply(input, customer, "bench", now);
            }
            t = Stopwatch.GetTimestamp();
            apply += t - t3;
            a = GC.GetAllocatedBytesForCurrentThread();
            aApply += a - a3;
            if (++n >= limit) break;
        }
        static double S(long ticks) => Stopwatch.GetElapsedTime(0, ticks).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"prepare {n:N0} rows: wall {Stopwatch.GetElapsedTime(wall).TotalSeconds:0.0} s, cpu {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.0} s; read {S(read):0.0} s, toInput {S(toInput):0.0} s, validate {S(validate):0.0} s, apply {S(apply):0.0} s; " +
            $"allocated per row: read {aRead / n:N0} B, toInput {aToInput / n:N0} B, validate {aValidate / n:N0} B, apply {aApply / n:N0} B"));
        return 0;
    }
}
