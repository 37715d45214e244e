using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Schedario.Web.Data;

public static class DataSetup
{
    /// <summary>Registers <see cref="SchedarioDb"/> on the configured provider (SQLite by default).</summary>
    public static IServiceCollection AddSchedarioData(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var provider = ReadProvider(configuration);
        var connectionString = configuration.GetConnectionString("Schedario");
        if (provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Schedario is not set.");
            services.AddDbContextPool<SchedarioDb, PostgresSchedarioDb>((sp, o) => ConfigurePostgres(o, connectionString).AddInterceptors(sp.GetRequiredService<Audit.AuditInterceptor>()));
        }
        else
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                var dataDir = Path.Combine(environment.ContentRootPath, "..", "..", "data");
                if (!File.Exists(Path.Combine(environment.ContentRootPath, "Schedario.Web.csproj")))
                    dataDir = Path.Combine(environment.ContentRootPath, "data");
                Directory.CreateDirectory(dataDir);
                connectionString = $"Data Source={Path.GetFullPath(Path.Combine(dataDir, "schedario.db"))}";
            }
            services.AddDbContextPool<SchedarioDb, SqliteSchedarioDb>((sp, o) => ConfigureSqlite(o, connectionString).AddInterceptors(sp.GetRequiredService<Audit.AuditInterceptor>()));
        }
        // Pooled contexts (ADR 0018): a fresh context per scope rebuilt its options and EF's internal
        // services on every request, a third of the client's CPU at 1,500 Next claims a second. The
        // context holds no per-request state of its own (visibility reads AmbientAccess at query time).
        // Every change to a registry record is audited in the same save (see AuditInterceptor).
        services.AddSingleton<Audit.AuditInterceptor>();
        services.AddHealthChecks().AddDbContextCheck<SchedarioDb>("database");
        return services;
    }

    public static DatabaseProvider ReadProvider(IConfiguration configuration) =>
        configuration["Database:Provider"] switch
        {
            null or "" => DatabaseProvider.Sqlite,
            var p when p.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) => DatabaseProvider.Sqlite,
            var p when p.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || p.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase) => DatabaseProvider.Postgres,
            var p => throw new InvalidOperationException($"Unknown Database:Provider '{p}'. Use Sqlite or Postgres."),
        };

    internal static DbContextOptionsBuilder ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, s => s.MigrationsHistoryTable("__ef_migrations"));

    internal static DbContextOptionsBuilder ConfigurePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, s => s.MigrationsHistoryTable("__ef_migrations"));

    /// <summary>Applies migrations; on SQLite also turns on WAL so readers never wait on the writer.</summary>
    public static async Task MigrateAsync(this SchedarioDb db, CancellationToken ct = default)
    {
        if (db.Provider == DatabaseProvider.Sqlite)
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        await db.Database.MigrateAsync(ct);
    }
}

// Design-time factories: `dotnet ef` builds each context without starting the host.
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteSchedarioDb>
{
    public SqliteSchedarioDb CreateDbContext(string[] args)
    {
        var b = new DbContextOptionsBuilder<SqliteSchedarioDb>();
        DataSetup.ConfigureSqlite(b, "Data Source=design.db");
        return new SqliteSchedarioDb(b.Options);
    }
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresSchedarioDb>
{
    public PostgresSchedarioDb CreateDbContext(string[] args)
    {
        var b = new DbContextOptionsBuilder<PostgresSchedarioDb>();
        DataSetup.ConfigurePostgres(b, "Host=localhost;Database=design");
        return new PostgresSchedarioDb(b.Options);
    }
}
