using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Web.Data;

namespace Schedario.Tests.Infrastructure;

/// <summary>PostgreSQL plans of hand-written statements, for tests that hold a statement to its indexes.</summary>
public static class QueryPlans
{
    /// <summary>
    /// <c>EXPLAIN</c> of <paramref name="sql"/> with sorts and sequential scans priced out, in a transaction
    /// rolled back: a Sort or a Seq Scan left in the plan means no index can give what the statement asks.
    /// </summary>
    public static async Task<string> ExplainWithoutSortsAsync(IServiceProvider services, string sql, params (string Name, object Value)[] args)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        await db.Database.OpenConnectionAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off");
        await using var cmd = db.Database.GetDbConnection().CreateCommand("EXPLAIN " + sql, args);
        cmd.Transaction = tx.GetDbTransaction();
        var lines = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        await tx.RollbackAsync();
        return string.Join("\n", lines);
    }
}
