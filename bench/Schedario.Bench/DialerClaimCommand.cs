using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Schedario.Web.CallCenter.Dialer.Service;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Registry;

namespace Schedario.Bench;

/// <summary>
/// The dialer's claim statement on a big campaign and a real-sized opposition register (ADR 0020): a
/// campaign of <c>names</c> to call (one in a thousand of them listed after the fill, as a register
/// refresh leaves them), a register of <c>register</c> other numbers, and <c>claims</c> claims of
/// <c>batch</c> names each, as the dialer makes them: each claim commits its lease, then the calls "end"
/// (the names close), so every claim starts further down the queue. Times the claim and the count of
/// dialable names the dialer makes every tick, and checks no listed name is ever claimed.
/// </summary>
static class DialerClaimCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var provider = (args.ElementAtOrDefault(1) ?? "postgres").StartsWith("p", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        int Arg(int i, int fallback) => int.TryParse(args.ElementAtOrDefault(i), out var v) ? v : fallback;
        int names = Arg(2, 100_000), register = Arg(3, 1_000_000), claims = Arg(4, 500), batch = Arg(5, 10);
        await using var env = await BenchEnv.StartAsync(provider);
        var campaign = await env.CampaignAsync("DIAL");
        var listedEvery = 1000;
        await env.UseAsync(async db =>
        {
            var now = DateTime.UtcNow;
            await Schedario.Web.Registry.Import.BulkWriter.InsertAsync(db, BenchLists.People(names, "D", now), default);
            await BenchLists.RegisterAsync(db, provider, now, register);
            // Priorities 0–9 (the name's last digit), so the queue's order is not the insertion order.
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO campaign_entries ("CampaignId", "CustomerId", "State", "Attempts", "Priority", "CreatedAt", "Version")
                SELECT {0}, "Id", 'ToCall', 0, CAST(substr("SearchName", length("SearchName"), 1) AS integer), {1}, 1 FROM customers
                """, campaign, now);
            await db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Postgres
                ? """INSERT INTO do_not_call ("Number", "Source", "AddedAt", "AddedBy") SELECT '+39333' || lpad(g::text, 7, '0'), 'OptOut', {0}, 'bench' FROM generate_series(0, {1} - 1, {2}) g"""
                : """WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + {2} FROM g WHERE n + {2} < {1}) INSERT INTO do_not_call ("Number", "Source", "AddedAt", "AddedBy") SELECT '+39333' || substr('0000000' || n, -7), 'OptOut', {0}, 'bench' FROM g""",
                now, names, listedEvery);
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
            return 0;
        });
        Console.WriteLine($"{names:N0} names to call, {(names + listedEvery - 1) / listedEvery:N0} of them listed; a do-not-call list of {register:N0} other numbers; {claims} claims of {batch}");

        var claimTimes = new Samples("claim");
        var countTimes = new Samples("count");
        var claimed = new List<long>();
        for (var i = 0; i < claims + 5; i++)
        {
            var (ids, claimMs, countMs) = await env.UseAsync(async db =>
            {
                var now = DateTime.UtcNow;
                await db.Database.OpenConnectionAsync();
                var conn = db.Database.GetDbConnection();
                var sw = Stopwatch.StartNew();
                await using (var count = conn.CreateCommand(provider == DatabaseProvider.Postgres ? DialerSql.CountDialablePostgres : DialerSql.CountDialableSqlite,
                                 ("cid", campaign), ("now", now), ("max", 0), ("lockout", now.AddHours(-72)), ("n", 1000)))
                    await count.ExecuteScalarAsync();
                var countMs = sw.Elapsed.TotalMilliseconds;
                var ids = new List<long>();
                await using var tx = await db.Database.BeginTransactionAsync();
                sw.Restart();
                await using (var cmd = conn.CreateCommand(provider == DatabaseProvider.Postgres ? DialerSql.ClaimPostgres : DialerSql.ClaimSqlite,
                                 ("holder", "dialer:bench"), ("until", now.AddMinutes(10)), ("now", now), ("cid", campaign), ("max", 0),
                                 ("lockout", now.AddHours(-72)), ("n", batch)))
                {
                    cmd.Transaction = tx.GetDbTransaction();
                    await using var reader = await cmd.ExecuteReaderAsync();
                    while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
                }
                await tx.CommitAsync();
                var claimMs = sw.Elapsed.TotalMilliseconds;
                // The calls end: the names close and leave the queue (untimed).
                await db.CampaignEntries().Where(e => ids.Contains(e.Id))
                    .ExecuteUpdateAsync(u => u.SetProperty(e => e.State, EntryState.Negative).SetProperty(e => e.LeaseHolder, (string?)null).SetProperty(e => e.LeaseUntil, (DateTime?)null));
                return (ids, claimMs, countMs);
            });
            if (i < 5) continue; // warm-up: connections, prepared plans, the JIT
            claimTimes.AddMs(claimMs);
            countTimes.AddMs(countMs);
            claimed.AddRange(ids);
        }
        var listedIds = await env.UseAsync(db => BenchLists.ListedEntryIdsAsync(db, campaign));
        var listedClaimed = claimed.Count(listedIds.Contains);
        var doubles = claimed.Count - claimed.Distinct().Count();
        Console.WriteLine($"dialer claim ({provider}, {batch} names a claim): p50 {claimTimes.Percentile(50):F2} ms, p95 {claimTimes.Percentile(95):F2} ms, " +
                          $"p99 {claimTimes.Percentile(99):F2} ms, max {claimTimes.Max:F2} ms; count of dialable names (up to 1,000) p50 {countTimes.Percentile(50):F2} ms, " +
                          $"p99 {countTimes.Percentile(99):F2} ms; {claimed.Count:N0} names claimed, double claims {doubles}, listed names claimed {listedClaimed}");
        return doubles > 0 || listedClaimed > 0 ? 1 : 0;
    }
}
