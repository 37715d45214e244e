using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Data;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Import;

namespace Schedario.Tests.Registry.Import;

/// <summary>
/// The bulk load of a big file into an empty registry on PostgreSQL (docs/decisions/0012): the
/// indexes and foreign keys it sets aside are all back afterwards, whether the load succeeds or
/// fails, and it steps aside when the registry is not empty or its tables are in use.
/// </summary>
public sealed class BulkLoadTests
{
    const int Rows = 300;

    /// <summary>A fresh, migrated database and contexts on it, as the app builds them.</summary>
    sealed class Database(string connectionString)
    {
        public string ConnectionString { get; } = connectionString;

        public SchedarioDb Context()
        {
            var b = new DbContextOptionsBuilder<PostgresSchedarioDb>();
            DataSetup.ConfigurePostgres(b, ConnectionString);
            return new PostgresSchedarioDb(b.Options);
        }

        public static async Task<Database> CreateAsync()
        {
            var database = new Database(await PostgresServer.CreateDatabaseAsync("bulk"));
            await using var db = database.Context();
            await db.MigrateAsync();
            return database;
        }
    }

    sealed class ListLogger<T> : ILogger<T>
    {
        public ConcurrentQueue<string> Messages { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception));
    }

    /// <summary><see cref="Rows"/> good rows, then a duplicate of row 0's phone and a bad phone.</summary>
    static string Csv(string tag)
    {
        var sb = new StringBuilder("Codice cliente;Cognome;Nome;Indirizzo;CAP;Comune;Provincia;Cellulare;Email;Consenso telefono\n");
        for (var i = 0; i < Rows; i++)
            sb.Append($"{tag}-{i};cognome{i};mario;via roma {i};20121;milano;MI;333{i:D7};{tag}{i}@example.it;si\n");
        sb.Append($"{tag}-dup;altro;luca;via po 1;10121;torino;TO;+39 333 {0:D7};;no\n");
        sb.Append($"{tag}-bad;altro;anna;via po 2;10121;torino;TO;12;;no\n");
        return sb.ToString();
    }

    static async Task<(ImportJob Job, List<string> Log)> ImportAsync(Database database, string csv, ImportOptions? options = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bulk-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, csv);
        try
        {
            var headers = ImportFile.Open(path, "clienti.csv").Headers;
            var job = new ImportJob
            {
                FileName = "clienti.csv", StoredPath = path, Mode = ImportMode.Upsert, Status = ImportStatus.Queued,
                MappingJson = JsonSerializer.Serialize(ImportFields.Suggest(headers)), CreatedBy = "test", CreatedAt = DateTime.UtcNow,
            };
            await using (var db = database.Context())
            {
                db.Add(job);
                await db.SaveChangesAsync();
            }
            var logger = new ListLogger<ImportRunner>();
            await using (var services = new ServiceCollection().AddScoped(_ => database.Context()).BuildServiceProvider())
            await using (var db = database.Context())
            {
                await new ImportRunner(db, services.GetRequiredService<IServiceScopeFactory>(), options ?? new ImportOptions { BulkLoadMinRows = 100 },
                    TimeProvider.System, logger).RunAsync(job.Id, CancellationToken.None);
            }
            await using var read = database.Context();
            return (await read.Set<ImportJob>().AsNoTracking().SingleAsync(j => j.Id == job.Id), logger.Messages.ToList());
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Every index and constraint of the registry tables, as the catalogue defines them.</summary>
    static async Task<List<string>> SchemaAsync(Database database)
    {
        await using var db = database.Context();
        var tables = BulkLoad.RegistryTables(db).ToArray();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x WHERE x.indrelid = ANY (SELECT to_regclass(t) FROM unnest(@tables) AS t)
            UNION ALL
            SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) || ' valid=' || c.convalidated
            FROM pg_constraint c WHERE c.conrelid = ANY (SELECT to_regclass(t) FROM unnest(@tables) AS t)
            ORDER BY 1
            """, connection);
        cmd.Parameters.AddWithValue("tables", tables);
        var result = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add(reader.GetString(0));
        return result;
    }

    static async Task<(int Customers, int Phones, int Errors)> CountAsync(Database database, Guid? importId = null)
    {
        await using var db = database.Context();
        return (await db.Set<Customer>().IgnoreQueryFilters().CountAsync(),
            await db.Set<CustomerPhone>().CountAsync(),
            importId is null ? 0 : await db.Set<ImportRowError>().CountAsync(e => e.ImportId == importId));
    }

    [Fact]
    public async Task A_big_first_import_loads_in_bulk_and_every_index_and_key_is_back_afterwards()
    {
        var database = await Database.CreateAsync();
        try
        {
            var schema = await SchemaAsync(database);
            Assert.Contains(schema, s => s.Contains("IX_customer_phones_E164"));
            Assert.Contains(schema, s => s.Contains("FK_customer_phones_customers_CustomerId"));
            var csv = Csv("BLK");

            var (job, log) = await ImportAsync(database, csv);
            Assert.Equal(ImportStatus.Completed, job.Status);
            Assert.Contains(log, m => m.Contains("bulk load into the empty registry"));
            Assert.Equal((Rows + 2, Rows, 0, 1, 1), (job.ProcessedRows, job.Inserted, job.Updated, job.Duplicates, job.Failed));
            Assert.Equal((Rows, Rows, 2), await CountAsync(database, job.Id));
            Assert.Equal(schema, await SchemaAsync(database));
            await using (var db = database.Context())
            {
                // Indexes are there and used: the caller-ID lookup finds the number.
                var found = await db.Set<CustomerPhone>().Where(p => p.E164 == "+393330000007").Select(p => p.CustomerId).SingleAsync();
                Assert.Equal("BLK-7", await db.Set<Customer>().Where(c => c.Id == found).Select(c => c.ExternalId).SingleAsync());
            }

            // The registry is no longer empty: the same file again goes the ordinary way and updates.
            var (again, againLog) = await ImportAsync(database, csv);
            Assert.Equal(ImportStatus.Completed, again.Status);
            Assert.DoesNotContain(againLog, m => m.Contains("bulk load into"));
            Assert.Equal((0, Rows), (again.Inserted, again.Updated));
            Assert.Equal(Rows, (await CountAsync(database)).Customers);

            // Reverting the bulk-loaded import removes what it created.
            await using (var db = database.Context())
                await db.Set<Customer>().IgnoreQueryFilters().Where(c => c.CreatedByImportId == job.Id).ExecuteDeleteAsync();
            Assert.Equal((0, 0, 0), await CountAsync(database));
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(database.ConnectionString);
        }
    }

    [Fact]
    public async Task A_bulk_load_that_fails_writes_nothing_and_every_index_and_key_is_back()
    {
        var database = await Database.CreateAsync();
        try
        {
            var schema = await SchemaAsync(database);
            // A failure in the middle of the load, from the database itself: row 250's phone is refused.
            await using (var db = database.Context())
                await db.Database.ExecuteSqlRawAsync("""
                    CREATE FUNCTION refuse_phone() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN IF NEW."E164" = '+393330000250' THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$;
                    CREATE TRIGGER refuse_phone BEFORE INSERT ON customer_phones FOR EACH ROW EXECUTE FUNCTION refuse_phone();
                    """);
            var schemaWithTrigger = await SchemaAsync(database);

            var (job, log) = await ImportAsync(database, Csv("BLF"));
            Assert.Equal(ImportStatus.Failed, job.Status);
            Assert.Contains(log, m => m.Contains("bulk load into the empty registry"));
            Assert.Contains("refused by test", job.Error);
            Assert.StartsWith("Nulla è stato importato", job.Error);
            Assert.Equal((0, 0), (job.ProcessedRows, job.Inserted));
            Assert.Equal((0, 0, 0), await CountAsync(database, job.Id));
            Assert.Equal(schemaWithTrigger, await SchemaAsync(database));

            // Fixed, the same file loads.
            await using (var db = database.Context())
                await db.Database.ExecuteSqlRawAsync("DROP TRIGGER refuse_phone ON customer_phones; DROP FUNCTION refuse_phone();");
            var (retry, _) = await ImportAsync(database, Csv("BLF"));
            Assert.Equal((ImportStatus.Completed, Rows), (retry.Status, retry.Inserted));
            Assert.Equal(schema, await SchemaAsync(database));
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(database.ConnectionString);
        }
    }

    [Fact]
    public async Task While_someone_reads_the_registry_the_import_goes_the_ordinary_way_instead_of_waiting()
    {
        var database = await Database.CreateAsync();
        try
        {
            await using var reader = new NpgsqlConnection(database.ConnectionString);
            await reader.OpenAsync();
            await using var open = await reader.BeginTransactionAsync();
            await using (var cmd = new NpgsqlCommand("SELECT count(*) FROM customers", reader))
                await cmd.ExecuteScalarAsync();

            var (job, log) = await ImportAsync(database, Csv("BLR"), new ImportOptions { BulkLoadMinRows = 100, BulkLoadLockTimeoutSeconds = 0.2 });
            Assert.Equal((ImportStatus.Completed, Rows, 1), (job.Status, job.Inserted, job.Duplicates));
            Assert.Contains(log, m => m.Contains("Bulk load not used"));
            await open.CommitAsync();
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(database.ConnectionString);
        }
    }
}
