using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Data;

namespace Schedario.Bench;

/// <summary>A fresh, migrated database of either provider, and contexts on it built the way the app builds them.</summary>
sealed class BenchDatabase
{
    BenchDatabase(BenchProvider provider, string connectionString, string? file)
    {
        Provider = provider;
        ConnectionString = connectionString;
        File = file;
    }

    public BenchProvider Provider { get; }
    public string ConnectionString { get; }
    /// <summary>The SQLite file, or null on PostgreSQL.</summary>
    public string? File { get; }

    /// <summary>What the app's Database:Provider setting calls it.</summary>
    public string ProviderSetting => Provider == BenchProvider.Postgres ? "Postgres" : "Sqlite";

    public static async Task<BenchDatabase> CreateAsync(BenchProvider provider, string name)
    {
        BenchDatabase database;
        if (provider == BenchProvider.Postgres)
        {
            var builder = new NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync("bench_" + name))
            {
                // The import holds one connection for minutes; the test-tuned idle pruning is irrelevant here.
                CommandTimeout = 600,
            };
            database = new BenchDatabase(provider, builder.ConnectionString, null);
        }
        else
        {
            var file = Path.Combine(BenchPaths.OutDirectory, $"{name}-{Guid.NewGuid():N}.db");
            database = new BenchDatabase(provider, $"Data Source={file}", file);
        }
        await using var db = database.CreateContext();
        await db.MigrateAsync();
        return database;
    }

    /// <summary>
    /// An existing database on the server named by SCHEDARIO_TEST_PG (left by `visibility --keep`),
    /// so a rerun skips the five-minute import. Never dropped by <see cref="DropAsync"/>'s caller.
    /// </summary>
    public static BenchDatabase OpenPostgres(string name)
    {
        var server = Environment.GetEnvironmentVariable(PostgresServer.ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
            throw new ArgumentException($"--db on PostgreSQL needs {PostgresServer.ServerVariable} pointing at the server that holds it.");
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, CommandTimeout = 600 };
        return new BenchDatabase(BenchProvider.Postgres, builder.ConnectionString, null);
    }

    /// <summary>The database's name on PostgreSQL (to reuse it with --db).</summary>
    public string? PostgresName => Provider == BenchProvider.Postgres ? new NpgsqlConnectionStringBuilder(ConnectionString).Database : null;

    /// <summary>An existing SQLite file (kept by `import --keep`), so queries can skip the import.</summary>
    public static BenchDatabase OpenSqlite(string file) => new(BenchProvider.Sqlite, $"Data Source={file}", file);

    // Options built once, as the app's DI does: a context per request is then cheap.
    DbContextOptions? _options;

    public SchedarioDb CreateContext()
    {
        if (Provider == BenchProvider.Postgres)
        {
            if (_options is not DbContextOptions<PostgresSchedarioDb> pg)
            {
                var b = new DbContextOptionsBuilder<PostgresSchedarioDb>();
                DataSetup.ConfigurePostgres(b, ConnectionString);
                _options = pg = b.Options;
            }
            return new PostgresSchedarioDb(pg);
        }
        if (_options is not DbContextOptions<SqliteSchedarioDb> lite)
        {
            var s = new DbContextOptionsBuilder<SqliteSchedarioDb>();
            DataSetup.ConfigureSqlite(s, ConnectionString);
            _options = lite = s.Options;
        }
        return new SqliteSchedarioDb(lite);
    }

    /// <summary>Fresh planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) would leave them.</summary>
    public async Task AnalyzeAsync()
    {
        await using var db = CreateContext();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        await db.Database.ExecuteSqlRawAsync("ANALYZE");
    }

    public async Task DropAsync()
    {
        if (Provider == BenchProvider.Postgres)
        {
            await PostgresServer.DropDatabaseAsync(ConnectionString);
            return;
        }
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { File!, File + "-wal", File + "-shm" })
            if (System.IO.File.Exists(f)) System.IO.File.Delete(f);
    }
}
