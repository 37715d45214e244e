using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Identity;

namespace Schedario.Web.Data;

/// <summary>
/// The one database context of the app. Modules keep their entity configurations beside their
/// entities; the context applies every configuration of the assembly and names no module table,
/// so a module reaches its tables through <c>db.Set&lt;T&gt;()</c> or an extension of its own.
/// Two thin subclasses exist only so each provider keeps its own migrations.
/// </summary>
public abstract partial class SchedarioDb(DbContextOptions options) : IdentityDbContext<AppUser>(options)
{
    public abstract DatabaseProvider Provider { get; }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(SchedarioDb).Assembly);
        ConfigureVisibility(builder);
        // Our Guid keys are made by the entity itself (Guid v7). Saying so lets EF insert a new child
        // added to a loaded record's list instead of mistaking it for an existing row to update.
        foreach (var entity in builder.Model.GetEntityTypes())
            if (entity.FindPrimaryKey()?.Properties is [{ ClrType: var t } key] && t == typeof(Guid) && entity.ClrType.Namespace?.StartsWith("Schedario") == true)
                key.ValueGenerated = Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never;
        foreach (var type in typeof(SchedarioDb).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IProviderModelConfiguration).IsAssignableFrom(t)))
            ((IProviderModelConfiguration)Activator.CreateInstance(type)!).Configure(builder, Provider);
    }
}

public enum DatabaseProvider { Sqlite, Postgres }

public sealed class SqliteSchedarioDb(DbContextOptions<SqliteSchedarioDb> options) : SchedarioDb(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    // SQLite keeps no time zone: every DateTime is stored as UTC and read back as UTC.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}

sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

public sealed class PostgresSchedarioDb(DbContextOptions<PostgresSchedarioDb> options) : SchedarioDb(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

/// <summary>
/// Provider-specific model tweaks (a trigram index on PostgreSQL, say). A module implements it
/// beside its entity configurations; the context discovers it like those, by reflection.
/// </summary>
public interface IProviderModelConfiguration
{
    void Configure(ModelBuilder builder, DatabaseProvider provider);
}
