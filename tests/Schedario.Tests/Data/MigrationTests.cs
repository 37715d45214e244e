using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;

namespace Schedario.Tests.Data;

public sealed class MigrationTests
{
    // Each provider keeps its own generated migrations; a model change without a new migration fails here.
    [Fact]
    public void The_sqlite_migrations_match_the_model()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> -p src/Schedario.Web -c SqliteSchedarioDb -o Data/Migrations/Sqlite");
    }

    [Fact]
    public void The_postgres_migrations_match_the_model()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> -p src/Schedario.Web -c PostgresSchedarioDb -o Data/Migrations/Postgres");
    }
}
