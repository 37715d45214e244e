using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Wallboard;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Registry;

namespace Schedario.Bench;

/// <summary>
/// The wallboard's snapshot on PostgreSQL with a call center's history: C dialer campaigns (one per
/// abandon window kind, in turn), D dialer calls over 30 days (1% abandoned, 24% talked, 5% machines,
/// 10% busy, the rest unanswered), K closed calls over 30 days, N operators with the bar open spread over
/// the campaigns and states, 20 calls in flight per campaign, a fresh runner row each. Times (1) cold
/// snapshots, each with an empty cache (full window counts, today's closed calls, the forecasts'
/// simulations) and (2) steady snapshots on one cache, the clock moving 0.5 s per snapshot (a page's
/// fastest rate), so the cached windows move every 60 snapshots and each forecast is redone every 90.
/// </summary>
static class WallboardCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int Arg(int i, int fallback) => int.TryParse(args.ElementAtOrDefault(i), out var v) ? v : fallback;
        var campaigns = Arg(1, 4);
        var dialerCalls = Arg(2, 1_000_000);
        var operators = Arg(3, 100);
        var closedCalls = Arg(4, 200_000);
        var snapshots = Arg(5, 600);

        var cs = new NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync("bench_wallboard")) { CommandTimeout = 1200 }.ConnectionString;
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres", ["ConnectionStrings:Schedario"] = cs,
        }).Build();
        await using var sp = BenchEnv.AppServices(config).BuildServiceProvider();
        try
        {
            await using (var scope = sp.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<SchedarioDb>().MigrateAsync();
            var seed = Stopwatch.StartNew();
            await SeedAsync(sp, campaigns, dialerCalls, operators, closedCalls);
            Console.WriteLine($"seeded {campaigns} campaigns, {dialerCalls:N0} dialer calls, {closedCalls:N0} closed calls, {operators} operators in {seed.Elapsed.TotalSeconds:F0} s");
            Machine.Print();

            async Task<WallboardDto> Snapshot(TimeProvider clock, WallboardCache cache)
            {
                await using var scope = sp.CreateAsyncScope();
                return await new WallboardService(scope.ServiceProvider.GetRequiredService<SchedarioDb>(), clock, cache).SnapshotAsync();
            }

            // Warm-up: JIT, plans, buffers (a call center's server is warm).
            for (var i = 0; i < 3; i++) await Snapshot(TimeProvider.System, new WallboardCache());

            var cold = new Samples("cold (empty cache)");
            for (var i = 0; i < 10; i++)
            {
                var t = Stopwatch.GetTimestamp();
                var board = await Snapshot(TimeProvider.System, new WallboardCache());
                cold.Add(t);
                if (board.Campaigns.Count != campaigns || board.Operators.Count != operators)
                    throw new InvalidOperationException($"expected {campaigns} campaigns and {operators} operators, read {board.Campaigns.Count} and {board.Operators.Count}");
            }

            var steady = new Samples("steady (one cache, 0.5 s apart)");
            var quiet = new Samples("steady without a forecast redo");
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var shared = new WallboardCache();
            await Snapshot(clock, shared);
            for (var i = 0; i < snapshots; i++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(500));
                var before = shared.Forecasts.Values.Select(f => f.At).ToList();
                var t = Stopwatch.GetTimestamp();
                var board = await Snapshot(clock, shared);
                steady.Add(t);
                if (shared.Forecasts.Values.Select(f => f.At).SequenceEqual(before)) quiet.Add(t);
                if (i == snapshots - 1)
                    foreach (var c in board.Campaigns)
                        Console.WriteLine($"  {c.Code} {c.AbandonWindowName,-10} now {c.AbandonNow.RatePercent:0.00}% ({c.AbandonNow.Abandoned}/{c.AbandonNow.AnsweredByPerson}, {c.AbandonNow.Machines} machines), " +
                            $"window {c.AbandonWindow.RatePercent:0.00}% ({c.AbandonWindow.Abandoned}/{c.AbandonWindow.AnsweredByPerson}), contacts today {c.Outcomes.ContactsToday}, forecast {c.Forecast?.EndsAt:yyyy-MM-dd HH:mm}");
            }
            // steady's samples with a redo, for the record: quiet's p50 is the common case.
            var forecast = new Samples("one forecast (20 operators)");
            for (var i = 0; i < 10; i++)
            {
                var t = Stopwatch.GetTimestamp();
                DialerForecast.Estimate(20, 10_000, 3, new DialerStats(0.25, 1000));
                forecast.Add(t);
            }
            Console.WriteLine($"{campaigns} campaigns, {dialerCalls:N0} dialer calls, {closedCalls:N0} closed calls, {operators} operators:");
            Samples.PrintTable([cold, steady, quiet, forecast]);
            return 0;
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("SCHEDARIO_BENCH_KEEP") != "1") await PostgresServer.DropDatabaseAsync(cs);
        }
    }

    static async Task SeedAsync(ServiceProvider sp, int campaignCount, int dialerCalls, int operators, int closedCalls)
    {
        await using var scope = sp.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(20));
        var now = DateTime.UtcNow;
        var type = new CampaignType { Code = "WB", Name = "Wallboard" };
        db.Add(type);
        await db.SaveChangesAsync();
        var windows = Enum.GetValues<AbandonWindow>();
        var campaigns = new List<Campaign>();
        for (var i = 0; i < campaignCount; i++)
        {
            var c = new Campaign
            {
                Code = $"WB{i + 1:D2}", Name = $"Wallboard {i + 1}", TypeId = type.Id, StartDate = DateOnly.FromDateTime(now.AddDays(-40)), EndDate = DateOnly.FromDateTime(now.AddDays(40)),
                DialMode = DialMode.Predictive, AbandonWindow = windows[i % windows.Length], DialerActive = true, DialerStartedAt = now.AddDays(-35),
                CallingDays = CallingDays.Weekdays, CallFrom = new TimeOnly(9, 0), CallTo = new TimeOnly(20, 0), MaxAttempts = 5, CreatedAt = now, CreatedBy = "bench",
            };
            db.Add(c);
            campaigns.Add(c);
        }
        await db.SaveChangesAsync();
        // 2,000 names to call per campaign: the forecast's list, and entries for the calls in flight.
        var entries = new Dictionary<int, List<CampaignEntry>>();
        foreach (var c in campaigns)
        {
            entries[c.Id] = [];
            for (var i = 0; i < 2000; i++)
            {
                var last = $"Wb{c.Id}x{i}";
                var customer = new Customer
                {
                    Kind = CustomerKind.Person, Stage = LifecycleStage.Lead, FirstName = "Anna", LastName = last, DisplayName = $"{last} Anna",
                    SearchName = $"{last.ToLowerInvariant()} anna", SearchNameAlt = $"anna {last.ToLowerInvariant()}", City = "Roma", Province = "RM",
                    MainPhone = "+39333" + (1_000_000 + c.Id * 10_000 + i), CreatedAt = now, CreatedBy = "bench", UpdatedAt = now, UpdatedBy = "bench",
                };
                db.Add(customer);
                var e = new CampaignEntry { CampaignId = c.Id, CustomerId = customer.Id, State = EntryState.ToCall, Attempts = i % 3, CreatedAt = now };
                db.Add(e);
                entries[c.Id].Add(e);
            }
        }
        await db.SaveChangesAsync();
        // Calls in flight (one per entry, as the unique index wants), a fresh runner row, operators.
        var states = new[] { DialerCallState.Ringing, DialerCallState.Ringing, DialerCallState.Placing, DialerCallState.Waiting, DialerCallState.Connected };
        foreach (var c in campaigns)
        {
            for (var i = 0; i < 20; i++)
            {
                var s = states[i % states.Length];
                db.Add(new DialerCall
                {
                    CampaignId = c.Id, EntryId = entries[c.Id][1 + i].Id, CustomerId = entries[c.Id][1 + i].CustomerId, Number = "+393330000000", State = s,
                    NodeId = "bench", PlacedAt = now.AddSeconds(-20), AnsweredAt = s is DialerCallState.Waiting or DialerCallState.Connected ? now.AddSeconds(-5) : null,
                });
            }
            // The heartbeat is in the future so that the runner stays "running" for the whole bench.
            db.Add(new DialerRunnerState { CampaignId = c.Id, NodeId = "bench", HeartbeatAt = now.AddHours(2), DialLevel = 1.6, LearnedAnswerRate = 0.25 });
        }
        var opStates = Enum.GetValues<OperatorState>();
        for (var i = 0; i < operators; i++)
            db.Add(new OperatorPresence
            {
                UserId = $"bench-op-{i}", UserName = $"operatore{i}", State = opStates[1 + i % (opStates.Length - 1)], PauseReason = null,
                StateSince = now.AddSeconds(-i * 7), IdleSince = now, BarOpenUntil = now.AddHours(2), DialerCampaignId = campaigns[i % campaigns.Count].Id,
            });
        await db.SaveChangesAsync();

        var ids = string.Join(",", campaigns.Select(c => c.Id));
        // Our own integers, not input: interpolating them is safe.
#pragma warning disable EF1002
        await db.Database.ExecuteSqlRawAsync($"""
            WITH k AS (SELECT array_agg("Id" ORDER BY "Id") AS ids FROM campaigns WHERE "Id" IN ({ids})),
                 e AS (SELECT "CampaignId", min("Id") AS entry FROM campaign_entries WHERE "CampaignId" IN ({ids}) GROUP BY "CampaignId"),
                 g AS (SELECT g, k.ids[1 + g % array_length(k.ids, 1)] AS cid, now() - random() * interval '30 days' AS placed, floor(random() * 100)::int AS r
                       FROM generate_series(1, {dialerCalls}) g CROSS JOIN k)
            INSERT INTO dialer_calls ("CampaignId", "EntryId", "CustomerId", "Number", "State", "Result", "NodeId", "PlacedAt", "AnsweredAt", "EndedAt")
            SELECT g.cid, e.entry, '00000000-0000-0000-0000-000000000000', '+393330000000', 'Ended',
                   CASE WHEN r < 1 THEN 'Abandoned' WHEN r < 25 THEN 'Talked' WHEN r < 30 THEN 'Machine' WHEN r < 40 THEN 'Busy' ELSE 'NoAnswer' END,
                   'bench', g.placed, CASE WHEN r < 30 THEN g.placed + interval '12 seconds' END, g.placed + interval '60 seconds'
            FROM g JOIN e ON e."CampaignId" = g.cid;
            WITH k AS (SELECT array_agg("Id" ORDER BY "Id") AS ids FROM campaigns WHERE "Id" IN ({ids})),
                 e AS (SELECT "CampaignId", min("Id") AS entry, min("CustomerId"::text)::uuid AS customer FROM campaign_entries WHERE "CampaignId" IN ({ids}) GROUP BY "CampaignId"),
                 o AS (SELECT array_agg("Id" ORDER BY "Id") AS ids, array_agg("Code" ORDER BY "Id") AS codes FROM outcomes WHERE "Id" <= 10),
                 g AS (SELECT g, k.ids[1 + g % array_length(k.ids, 1)] AS cid, 1 + floor(random() * 10)::int AS oi, now() - random() * interval '30 days' AS ended
                       FROM generate_series(1, {closedCalls}) g CROSS JOIN k)
            INSERT INTO calls ("CampaignId", "EntryId", "CustomerId", "OperatorUserId", "OperatorName", "StartedAt", "EndedAt", "DurationSeconds", "OutcomeId", "OutcomeCode")
            SELECT g.cid, e.entry, e.customer, 'bench', 'Collega', g.ended - interval '90 seconds', g.ended, 90, o.ids[g.oi], o.codes[g.oi]
            FROM g JOIN e ON e."CampaignId" = g.cid CROSS JOIN o;
            ANALYZE;
            """);
#pragma warning restore EF1002
    }
}
