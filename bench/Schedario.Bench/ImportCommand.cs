using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Import;

namespace Schedario.Bench;

/// <summary>
/// The import figure: a generated CSV through the real <see cref="ImportRunner"/> into a fresh
/// database, wall clock; then the baseline, the same normalised rows written with nothing but
/// <see cref="BulkWriter"/> (binary COPY on PostgreSQL) into another fresh database.
/// </summary>
static class ImportCommand
{
    public sealed record Result(TimeSpan Elapsed, ImportJob Job);

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var provider = args.Provider();
        var rows = args.Long("rows");
        var file = await EnsureFileAsync(args, rows);
        Machine.Print();

        Result? result = null;
        if (!args.Has("baseline-only"))
        {
            var database = await BenchDatabase.CreateAsync(provider, "import");
            try
            {
                // --no-bulk: the ordinary path (indexes live, two writers), as into a registry in use.
                result = await ImportAsync(database, file, new ImportOptions { BulkLoadMinRows = args.Has("no-bulk") ? 0 : new ImportOptions().BulkLoadMinRows });
            }
            finally
            {
                if (args.Has("keep") && database.File is not null) Console.WriteLine($"kept {database.File}");
                else await database.DropAsync();
            }
            var job = result.Job;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"import {provider} {rows:N0} rows: {result.Elapsed.TotalSeconds:0.0} s, {job.ProcessedRows / result.Elapsed.TotalSeconds:N0} rows/s; status {job.Status}; inserted {job.Inserted:N0}, duplicates {job.Duplicates:N0}, failed {job.Failed:N0}, updated {job.Updated:N0}"));
            if (job.Status != ImportStatus.Completed) Console.WriteLine("error: " + job.Error);
            if (args.Has("no-baseline")) return job.Status == ImportStatus.Completed ? 0 : 1;
        }

        var baseline = await BenchDatabase.CreateAsync(provider, "copy");
        try
        {
            // Experiment behind the recommendation: secondary indexes dropped for the load, rebuilt after (timed too).
            var deferred = args.Has("defer-indexes") && provider == BenchProvider.Postgres ? await DropSecondaryIndexesAsync(baseline) : [];
            var (written, copy, prepare) = await BaselineAsync(baseline, file);
            if (deferred.Count > 0)
            {
                var rebuild = await RecreateIndexesAsync(baseline, deferred);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"baseline with {deferred.Count} secondary indexes deferred: COPY {copy.TotalSeconds:0.0} s + CREATE INDEX {rebuild.TotalSeconds:0.0} s"));
                copy += rebuild;
            }
            var ratio = result is null ? "" : string.Create(CultureInfo.InvariantCulture, $"; import ÷ baseline = {result.Elapsed / copy:0.00}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"baseline {provider} BulkWriter.InsertAsync of the same {written:N0} normalised records: {copy.TotalSeconds:0.0} s{ratio}"));
            // Where the rest goes: the same parse, normalise and in-memory dedup, without any database.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  (untimed in the baseline: reading, normalising and dedup in memory took {prepare.TotalSeconds:0.0} s)"));
        }
        finally
        {
            await baseline.DropAsync();
        }
        return 0;
    }

    public static async Task<string> EnsureFileAsync(BenchArgs args, long rows)
    {
        var file = args.Get("file") ?? GenerateCommand.DefaultPath(rows);
        if (!File.Exists(file))
        {
            Console.WriteLine($"generating {file}");
            var counts = await GenerateCommand.WriteAsync(file, rows, args.Int("seed", GenerateCommand.DefaultSeed));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {counts.Rows:N0} rows: {counts.Duplicates:N0} duplicates, {counts.Bad:N0} bad"));
        }
        return file;
    }

    /// <summary>Queues a job with the suggested mapping, as the upload page does, and runs it to the end.</summary>
    public static async Task<Result> ImportAsync(BenchDatabase database, string file, ImportOptions? options = null)
    {
        var headers = ImportFile.Open(file, Path.GetFileName(file)).Headers;
        var mapping = ImportFields.Suggest(headers);
        var job = new ImportJob
        {
            FileName = Path.GetFileName(file), StoredPath = file, FileBytes = new FileInfo(file).Length,
            Mode = ImportMode.Upsert, Status = ImportStatus.Queued, MappingJson = JsonSerializer.Serialize(mapping),
            CreatedBy = "bench", CreatedAt = DateTime.UtcNow,
        };
        await using (var db = database.CreateContext())
        {
            db.Add(job);
            await db.SaveChangesAsync();
        }

        using var progress = new CancellationTokenSource();
        var reporter = ReportProgressAsync(database, job.Id, progress.Token);
        // The runner logs its stage timings when it ends.
        using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
        var cpu = CpuTimes.Take(database);
        var started = Stopwatch.GetTimestamp();
        await using (var db = database.CreateContext())
        {
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
            // The runner's writers take their own contexts from a scope, as in the app.
            await using var services = new ServiceCollection()
                .AddScoped<Schedario.Web.Data.SchedarioDb>(_ => { var c = database.CreateContext(); c.Database.SetCommandTimeout(TimeSpan.FromMinutes(10)); return c; })
                .BuildServiceProvider();
            await new ImportRunner(db, services.GetRequiredService<IServiceScopeFactory>(), options ?? new ImportOptions(), TimeProvider.System, logs.CreateLogger<ImportRunner>())
                .RunAsync(job.Id, CancellationToken.None);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        Console.WriteLine(CpuTimes.Take(database).Since(cpu, elapsed));
        await progress.CancelAsync();
        await reporter;

        await using var read = database.CreateContext();
        return new Result(elapsed, await read.Set<ImportJob>().AsNoTracking().SingleAsync(j => j.Id == job.Id));
    }

    /// <summary>Long runs say how far they are, so a stuck one is seen as stuck.</summary>
    static async Task ReportProgressAsync(BenchDatabase database, Guid jobId, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
                await using var db = database.CreateContext();
                var done = await db.Set<ImportJob>().AsNoTracking().Where(j => j.Id == jobId).Select(j => j.ProcessedRows).SingleAsync(ct);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s: {done:N0} rows"));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Non-unique, non-key indexes of the registry tables: their definitions, then dropped.</summary>
    static async Task<List<string>> DropSecondaryIndexesAsync(BenchDatabase database)
    {
        await using var db = database.CreateContext();
        var definitions = await db.Database.SqlQueryRaw<string>("""
            SELECT i.indexdef AS "Value" FROM pg_indexes i
            JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
            WHERE i.schemaname = 'public' AND (i.tablename = 'customers' OR i.tablename LIKE 'customer\_%')
              AND NOT x.indisunique AND NOT x.indisprimary
            """).ToListAsync();
        foreach (var d in definitions)
        {
            // Names come from the catalogue, not from input.
            var drop = $"DROP INDEX {d.Split(' ')[2]}";
            await db.Database.ExecuteSqlRawAsync(drop);
        }
        return definitions;
    }

    static async Task<TimeSpan> RecreateIndexesAsync(BenchDatabase database, List<string> definitions)
    {
        await using var db = database.CreateContext();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        var started = Stopwatch.GetTimestamp();
        await db.Database.ExecuteSqlRawAsync("SET maintenance_work_mem = '256MB'");
        foreach (var d in definitions) await db.Database.ExecuteSqlRawAsync(d);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// Builds the records exactly as <see cref="ImportRunner"/> does (same validation, writer and
    /// duplicate rules; on an empty database "already in the registry" is "earlier in the file"),
    /// untimed, and times only the batched write and its commit.
    /// </summary>
    static async Task<(long Written, TimeSpan Write, TimeSpan Prepare)> BaselineAsync(BenchDatabase database, string file)
    {
        var import = ImportFile.Open(file, Path.GetFileName(file));
        var mapping = ImportFields.Suggest(import.Headers);
        var fieldOfColumn = import.Headers.Select(h => mapping.TryGetValue(h, out var f) ? f : null).ToArray();
        var now = DateTime.UtcNow;
        var importId = Guid.CreateVersion7();
        var externalIds = new HashSet<string>(StringComparer.Ordinal);
        var taxCodes = new HashSet<string>(StringComparer.Ordinal);
        var phones = new HashSet<string>(StringComparer.Ordinal);
        var emails = new HashSet<string>(StringComparer.Ordinal);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var batch = new List<Customer>(ImportRunner.BatchSize);
        long written = 0, ticks = 0;
        var all = Stopwatch.GetTimestamp();

        await using var db = database.CreateContext();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            var started = Stopwatch.GetTimestamp();
            await using (var tx = await db.Database.BeginTransactionAsync())
            {
                await BulkWriter.InsertAsync(db, batch, CancellationToken.None);
                await tx.CommitAsync();
            }
            ticks += Stopwatch.GetTimestamp() - started;
            written += batch.Count;
            batch.Clear();
        }

        foreach (var (_, raw) in import.Rows())
        {
            values.Clear();
            for (var i = 0; i < fieldOfColumn.Length; i++)
                if (fieldOfColumn[i] is { } field) values[field] = raw[i];
            var input = ImportFields.ToInput(values, now);
            if (CustomerWriter.Validate(input).Any) continue;
            var customer = new Customer { CreatedByImportId = importId };
            CustomerWriter.Apply(input, customer, "bench", now);
            if (customer.ExternalId is { } ext && !externalIds.Add(ext)) continue;
            if (customer.TaxCode is { } tc && taxCodes.Contains(tc)) continue;
            if (customer.Phones.Any(p => phones.Contains(p.E164)) || customer.Emails.Any(e => emails.Contains(e.Address))) continue;
            if (customer.TaxCode is { } t) taxCodes.Add(t);
            foreach (var p in customer.Phones) phones.Add(p.E164);
            foreach (var e in customer.Emails) emails.Add(e.Address);
            batch.Add(customer);
            if (batch.Count == ImportRunner.BatchSize) await FlushAsync();
        }
        await FlushAsync();
        var total = Stopwatch.GetTimestamp() - all;
        return (written, Stopwatch.GetElapsedTime(0, ticks), Stopwatch.GetElapsedTime(0, total - ticks));
    }
}
