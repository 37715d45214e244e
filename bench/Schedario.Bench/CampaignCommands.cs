using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Registry;

namespace Schedario.Bench
{
    /// <summary>Load drivers for the campaigns issue: wizard fill and concurrent Next.</summary>
    static class CampaignCommands
    {
        public static async Task<int> RunAsync(string command, string[] args)
        {
            var provider = (args.ElementAtOrDefault(1) ?? "postgres").StartsWith("p", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
            int Arg(int i, int fallback) => int.TryParse(args.ElementAtOrDefault(i), out var v) ? v : fallback;
            await using var env = await BenchEnv.StartAsync(provider);
            if (command == "wizard") await WizardBench.RunAsync(env, Arg(2, 1_000_000), Arg(3, 100_000), Arg(4, 50));
            else await NextBench.RunAsync(env, Arg(2, 20_000), Arg(3, 100), Arg(4, 0));
            return 0;
        }
    }

    /// <summary>The app's services on a fresh database, without the web host.</summary>
    sealed class BenchEnv : IAsyncDisposable
    {
        public required ServiceProvider Services { get; init; }
        public required DatabaseProvider Provider { get; init; }
        public required string ConnectionString { get; init; }
        string? sqliteFile;

        /// <summary>
        /// Connections per node as docs/operations.md sizes them for a 2-core database server (BENCH_POOL to
        /// change it): with 100 (Npgsql's default) every operator's close is a backend of its own on the
        /// two cores, and the claims wait behind them (ADR 0019).
        /// </summary>
        static readonly int PoolSize = int.TryParse(Environment.GetEnvironmentVariable("BENCH_POOL"), out var pool) ? pool : 10;

        public static async Task<BenchEnv> StartAsync(DatabaseProvider provider)
        {
            string cs;
            string? file = null;
            if (provider == DatabaseProvider.Postgres)
                cs = new NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync("bench")) { MaxPoolSize = PoolSize }.ConnectionString;
            else
            {
                file = Path.Combine(Path.GetTempPath(), $"schedario-bench-{Guid.NewGuid():N}.db");
                cs = $"Data Source={file};Default Timeout=120";
            }
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider.ToString(), ["ConnectionStrings:Schedario"] = cs,
            }).Build();
            var sp = AppServices(config).BuildServiceProvider();
            await using (var scope = sp.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<SchedarioDb>().MigrateAsync();
            Console.WriteLine($"{provider}: database ready");
            return new BenchEnv { Services = sp, Provider = provider, ConnectionString = cs, sqliteFile = file };
        }

        /// <summary>The app's services as the web host registers them, without the host (Database:* from <paramref name="config"/>).</summary>
        public static ServiceCollection AppServices(IConfiguration config)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton(TimeProvider.System);
            services.AddSchedarioData(config, new BenchHostEnvironment());
            services.AddRegistry();
            services.AddCampaigns();
            Schedario.Web.CallCenter.Compliance.ComplianceApi.AddCompliance(services); // the desk's opt-outs and the dialability rules
            Schedario.Web.Access.AccessApi.AddRecordAccess(services);
            Schedario.Web.Organization.OrganizationApi.AddOrganization(services);
            return services;
        }

        public async Task<T> UseAsync<T>(Func<SchedarioDb, Task<T>> work)
        {
            await using var scope = Services.CreateAsyncScope();
            return await work(scope.ServiceProvider.GetRequiredService<SchedarioDb>());
        }

        public async ValueTask DisposeAsync()
        {
            await Services.DisposeAsync();
            // SCHEDARIO_BENCH_KEEP=1 keeps the PostgreSQL database for EXPLAIN ANALYZE by hand (a server of your own via SCHEDARIO_TEST_PG).
            if (Provider == DatabaseProvider.Postgres && Environment.GetEnvironmentVariable("SCHEDARIO_BENCH_KEEP") == "1")
                Console.WriteLine($"kept database {new NpgsqlConnectionStringBuilder(ConnectionString).Database}");
            else if (Provider == DatabaseProvider.Postgres) await PostgresServer.DropDatabaseAsync(ConnectionString);
            else if (sqliteFile is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var f in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm" }) File.Delete(f);
            }
        }

        /// <summary>A type and a campaign of it, open every day and hour.</summary>
        public Task<int> CampaignAsync(string code, int? typeId = null) => UseAsync(async db =>
        {
            var type = typeId ?? (await Add(db, new CampaignType { Code = "T" + code, Name = code })).Id;
            var c = await Add(db, new Campaign
            {
                Code = code, Name = code, TypeId = type, StartDate = new(2026, 1, 1), EndDate = new(2026, 12, 31),
                CallingDays = CallingDays.All, MaxAttempts = 0, CreatedAt = DateTime.UtcNow, CreatedBy = "bench",
            });
            return c.Id;
        });

        static async Task<T> Add<T>(SchedarioDb db, T entity) where T : class
        {
            db.Add(entity);
            await db.SaveChangesAsync();
            return entity;
        }
    }

    sealed class BenchHostEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Bench";
        public string ApplicationName { get; set; } = "Schedario.Bench";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    static class WizardBench
    {
        public static async Task RunAsync(BenchEnv env, int records, int matches, int operatorCount)
        {
            var def = await env.UseAsync(async db =>
            {
                var d = new CharacteristicDefinition { Code = "ADSL", Description = "Coperto ADSL", Category = "bench" };
                db.Add(d);
                await db.SaveChangesAsync();
                return d.Id;
            });
            // Twice the matches live in the region; half of those carry the characteristic.
            var seed = Stopwatch.StartNew();
            var now = DateTime.UtcNow;
            const int batch = 50_000;
            for (var start = 0; start < records; start += batch)
            {
                var customers = new List<Customer>(batch);
                for (var i = start; i < Math.Min(records, start + batch); i++)
                {
                    var inRegion = i % (records / (2 * matches)) == 0 && i / (records / (2 * matches)) < 2 * matches;
                    var c = new Customer
                    {
                        Kind = CustomerKind.Person, Stage = LifecycleStage.Lead, FirstName = "Mario", LastName = $"Rossi{i:D7}", DisplayName = $"Rossi{i:D7} Mario",
                        SearchName = $"rossi{i:D7} mario", SearchNameAlt = $"mario rossi{i:D7}", Region = inRegion ? "Puglia" : "Lombardia",
                        Province = inRegion ? "BA" : "MI", City = inRegion ? "Bari" : "Milano", MainPhone = $"+39333{i:D7}",
                        CreatedAt = now, CreatedBy = "bench", UpdatedAt = now, UpdatedBy = "bench",
                    };
                    if (inRegion && i / (records / (2 * matches)) % 2 == 0)
                        c.Characteristics.Add(new CustomerCharacteristic { CustomerId = c.Id, CharacteristicId = def, Date = new(2026, 1, 1), RecordedAt = now, RecordedBy = "bench" });
                    customers.Add(c);
                }
                await env.UseAsync(async db => { await Schedario.Web.Registry.Import.BulkWriter.InsertAsync(db, customers, default); return 0; });
            }
            var operators = await env.UseAsync(async db =>
            {
                var users = Enumerable.Range(0, operatorCount).Select(i => new AppUser { UserName = $"bench{i}", NormalizedUserName = $"BENCH{i}", DisplayName = $"Bench {i}" }).ToList();
                db.AddRange(users);
                await db.SaveChangesAsync();
                if (env.Provider == DatabaseProvider.Postgres) await db.Database.ExecuteSqlRawAsync("ANALYZE");
                return users.Select(u => u.Id).ToList();
            });
            Console.WriteLine($"seeded {records:N0} records in {seed.Elapsed.TotalSeconds:F1} s");

            var campaign = await env.CampaignAsync("WIZ");
            var input = new WizardInput
            {
                Filter = new RegistryFilter { Regions = ["Puglia"], CharacteristicsPresent = [new CharacteristicCriterion("ADSL")] },
                RequirePhoneConsent = false, ExcludeInSameTypeActive = true, ExcludeCalledWithinDays = 30,
                Distribution = new DistributionInput { Mode = "equal", OperatorIds = operators },
            };
            var sw = Stopwatch.StartNew();
            var result = await env.UseAsync(db => new WizardService(db, TimeProvider.System).FillAsync(campaign, input));
            var wizard = sw.Elapsed;

            var bare = await env.CampaignAsync("BARE");
            sw.Restart();
            var inserted = await env.UseAsync(db => db.Database.ExecuteSqlRawAsync("""
                INSERT INTO campaign_entries ("CampaignId", "CustomerId", "State", "AssignedUserId", "Attempts", "Priority", "CreatedAt", "Version")
                SELECT {0}, c."Id", 'ToCall', NULL, 0, 0, {1}, 1 FROM customers c
                WHERE c."Region" = 'Puglia' AND EXISTS (SELECT 1 FROM customer_characteristics x WHERE x."CustomerId" = c."Id" AND x."CharacteristicId" = {2})
                """, bare, DateTime.UtcNow, def));
            var raw = sw.Elapsed;
            var again = await env.UseAsync(db => new WizardService(db, TimeProvider.System).FillAsync(campaign, input));
            Console.WriteLine($"wizard fill ({env.Provider}): {result.Inserted:N0} inserted among {operatorCount} operators in {wizard.TotalMilliseconds:F0} ms; " +
                              $"bare INSERT … SELECT of {inserted:N0} rows {raw.TotalMilliseconds:F0} ms; ratio {wizard / raw:F2}; second run inserted {again.Inserted}");
        }
    }

    static class NextBench
    {
        /// <summary>
        /// <paramref name="operators"/> claimers, each claim followed by a close (untimed). With
        /// <paramref name="rate"/> = 0 they loop flat out (closed loop: the capacity, and a latency that is
        /// mostly queueing, since R = operators / throughput). With a rate, claims start on a fixed schedule
        /// (rate per second over all operators) and latency counts from the scheduled start, so a late
        /// start is charged to the claim (no coordinated omission).
        /// </summary>
        public static async Task RunAsync(BenchEnv env, int entries, int operators, int rate)
        {
            var campaign = await env.CampaignAsync("NEXT");
            await env.UseAsync(async db =>
            {
                var now = DateTime.UtcNow;
                await Schedario.Web.Registry.Import.BulkWriter.InsertAsync(db, BenchLists.People(entries, "N", now), default);
                // A do-not-call list as a real one looks: the opposition register's numbers, none of them in
                // this pool, and every ListedEvery-th name of the pool, which Next must skip.
                await BenchLists.RegisterAsync(db, env.Provider, now, RegisterSize);
                for (var i = 0; i < entries; i += ListedEvery)
                    db.Add(new Schedario.Web.CallCenter.Compliance.DoNotCallNumber { Number = BenchLists.Phone(i), Source = Schedario.Web.CallCenter.Compliance.DoNotCallSource.OptOut, AddedAt = now, AddedBy = "bench" });
                await db.SaveChangesAsync();
                await db.Database.ExecuteSqlRawAsync("""
                    INSERT INTO campaign_entries ("CampaignId", "CustomerId", "State", "Attempts", "Priority", "CreatedAt", "Version")
                    SELECT {0}, "Id", 'ToCall', 0, 0, {1}, 1 FROM customers
                    """, campaign, now);
                if (env.Provider == DatabaseProvider.Postgres) await db.Database.ExecuteSqlRawAsync("ANALYZE");
                return 0;
            });
            var listed = (entries + ListedEvery - 1) / ListedEvery;
            Console.WriteLine($"{entries:N0} names in the pool ({listed:N0} of them on a do-not-call list of {RegisterSize + listed:N0} numbers), {operators} operators claiming" + (rate > 0 ? $" at {rate:N0} claims/s in all" : " flat out"));

            // Warm-up: each operator's first claim opens its connection and prepares the statement.
            var claimed = new ConcurrentBag<long>();
            var latencies = new ConcurrentBag<double>();
            var warm = new ConcurrentBag<long>();
            await Task.WhenAll(Enumerable.Range(0, operators).Select(i => Task.Run(async () =>
            {
                if (await ClaimAndCloseAsync(env, campaign, $"bench-op-{i}") is { } id) warm.Add(id);
            })));

            var period = rate > 0 ? TimeSpan.FromSeconds((double)operators / rate) : TimeSpan.Zero;
            var wall = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, operators).Select(i => Task.Run(async () =>
            {
                var me = $"bench-op-{i}";
                var due = rate > 0 ? TimeSpan.FromSeconds((double)i / rate) : TimeSpan.Zero;
                while (true)
                {
                    if (rate > 0)
                    {
                        var wait = due - wall.Elapsed;
                        if (wait > TimeSpan.Zero) await Task.Delay(wait);
                    }
                    var start = rate > 0 ? due : wall.Elapsed;
                    var id = await ClaimAndCloseAsync(env, campaign, me, () => latencies.Add((wall.Elapsed - start).TotalMilliseconds));
                    if (id is not { } entry) break;
                    claimed.Add(entry);
                    due += period;
                }
            })));
            wall.Stop();
            var sorted = latencies.OrderBy(x => x).ToList();
            double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];
            var all = claimed.Concat(warm).ToList();
            var doubles = all.Count - all.Distinct().Count();
            var listedIds = await env.UseAsync(db => BenchLists.ListedEntryIdsAsync(db, campaign));
            var listedServed = all.Count(listedIds.Contains);
            Console.WriteLine($"next ({env.Provider}, {(rate > 0 ? $"paced {rate}/s" : "flat out")}): {claimed.Count:N0} claims in {wall.Elapsed.TotalSeconds:F1} s = {claimed.Count / wall.Elapsed.TotalSeconds:F0} claims/s " +
                              $"(each followed by a close); p50 {P(0.5):F1} ms, p95 {P(0.95):F1} ms, p99 {P(0.99):F1} ms, max {sorted[^1]:F1} ms; " +
                              $"double claims {doubles}; names left unserved {entries - all.Distinct().Count()} (the {listed:N0} listed ones expected); listed names served {listedServed}");
            if (doubles > 0 || listedServed > 0) Environment.ExitCode = 1;
        }

        const int RegisterSize = 100_000;
        // 1 name in 1,000 listed after the fill (a register refresh mid-campaign; the wizard leaves listed
        // numbers out): Next walks past each of them on every claim. BENCH_LISTED_EVERY=100 for 1%.
        static readonly int ListedEvery = int.TryParse(Environment.GetEnvironmentVariable("BENCH_LISTED_EVERY"), out var n) ? n : 1000;

        /// <summary>One Next through the service as the app calls it (a scope per request), then the call ends: the entry closes.</summary>
        static async Task<long?> ClaimAndCloseAsync(BenchEnv env, int campaign, string me, Action? claimed = null)
        {
            await using var scope = env.Services.CreateAsyncScope();
            var id = await scope.ServiceProvider.GetRequiredService<DeskService>().NextAsync(campaign, me);
            claimed?.Invoke();
            if (id is not { } entry) return null;
            var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
            // As the desk's own close does: on SQLite, desk writes queue on the process's write gate.
            using var gate = await SqliteWriteGate.EnterAsync(db);
            // The driver's close is one plain prepared UPDATE: it only frees the operator for the next
            // claim, and the figure is the claim's, so it should cost the shared 2 cores as little as it can.
            await db.WithConnectionAsync(async conn =>
            {
                await using var cmd = conn.CreateCommand(
                    """UPDATE campaign_entries SET "State" = 'Negative', "LeaseHolder" = NULL, "LeaseUntil" = NULL, "Version" = "Version" + 1 WHERE "Id" = @id""",
                    ("id", entry));
                await cmd.PrepareAsync();
                return await cmd.ExecuteNonQueryAsync();
            });
            return entry;
        }
    }
}
