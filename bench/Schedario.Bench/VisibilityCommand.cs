using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Web.Access;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Organization;
using Schedario.Web.Registry;

namespace Schedario.Bench;

/// <summary>
/// The visibility figure (issue 3): the registry's read figures again, on the same 1M-record
/// database, as three users: the system (sees all, the baseline), an operator who owns 1% of the
/// records (read level Own, CustomerOwner rows) and a back-office user whose role reads at
/// Agency level and whose agency holds 10% of the records. Calls go through
/// <see cref="CustomerService"/> from a fresh DI scope each, with the user's
/// <see cref="AccessProfile"/> (built by the app's <see cref="AccessProfiles"/>) set in
/// <see cref="AmbientAccess"/>, as the app's middleware does per request.
/// </summary>
static class VisibilityCommand
{
    const int WarmUp = 100;
    const string Code = "BENCH-VIS";
    const string OperatorName = "bench.operator";
    const string AgencyUserName = "bench.agency";
    const int OwnerBuckets = 100;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        if (args.Provider() != BenchProvider.Postgres)
            throw new ArgumentException("visibility runs on PostgreSQL only (the figure is stated for it).");
        var rows = args.Long("rows");
        var iterations = args.Int("iterations", 1000);
        var runs = args.Int("runs", 1);
        var random = new Random(args.Int("seed", GenerateCommand.DefaultSeed));
        Machine.Print();

        BenchDatabase database;
        var drop = false;
        if (args.Get("db") is { } existing)
        {
            database = BenchDatabase.OpenPostgres(existing);
            Console.WriteLine($"reusing database {existing}");
        }
        else
        {
            var file = await ImportCommand.EnsureFileAsync(args, rows);
            database = await BenchDatabase.CreateAsync(BenchProvider.Postgres, "visibility");
            drop = !args.Has("keep");
            Console.WriteLine($"{Load()}; importing into {database.PostgresName}");
            var import = await ImportCommand.ImportAsync(database, file);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"filled by import in {import.Elapsed.TotalSeconds:0.0} s: {import.Job.Inserted:N0} records"));
            if (!drop) Console.WriteLine($"kept: rerun with --db {database.PostgresName} ({PostgresServer()})");
        }
        try
        {
            await using var services = new ServiceCollection()
                .AddScoped<SchedarioDb>(_ => database.CreateContext())
                .AddSingleton(TimeProvider.System)
                .AddSingleton<AccessProfiles>()
                .AddScoped<RecordGuard>()
                .AddScoped<CustomerService>()
                .BuildServiceProvider();

            if (args.Get("db") is not null)
            {
                // A kept database gets the migrations added since it was made (e.g. a new index).
                await using var migrate = database.CreateContext();
                migrate.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
                await migrate.MigrateAsync();
            }
            var (operatorId, agencyUserId) = await SetUpAsync(database);
            if (args.Has("campaign-entries")) await AddCampaignEntriesAsync(database);
            var profiles = services.GetRequiredService<AccessProfiles>();
            var users = new List<(string Name, AccessProfile? Profile)>
            {
                ("system (all)", null),
                ("operator (own, 1%)", await profiles.ForUserIdAsync(operatorId)),
                ("agency user (agency, 10%)", await profiles.ForUserIdAsync(agencyUserId)),
            };
            var sample = await QueriesCommand.SampleAsync(database, random);
            Console.WriteLine($"{sample.Records:N0} records, {sample.Phones.Count} sampled phones, {sample.Prefixes.Count} name prefixes, {sample.Provinces.Count} provinces");
            foreach (var (name, profile) in users)
            {
                await using var scope = services.CreateAsyncScope();
                using var _ = AmbientAccess.As(profile);
                var visible = await scope.ServiceProvider.GetRequiredService<SchedarioDb>().Set<Customer>().LongCountAsync();
                var level = profile?.LevelFor(RecordAction.Read) ?? VisibilityLevel.All;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: read level {level}, agency {profile?.AgencyId}, subject {profile?.SubjectId}; sees {visible:N0} records ({100.0 * visible / sample.Records:0.00}%)"));
            }

            var all = new List<(int Run, string User, Samples Samples, string Load)>();
            for (var run = 1; run <= runs; run++)
            {
                Console.WriteLine($"\n== run {run} of {runs}");
                foreach (var (name, profile) in users)
                {
                    async Task Measure<T>(string what, List<string> inputs, Func<CustomerService, string, Task<T>> call)
                    {
                        var load = Load();
                        var samples = await MeasureAsync(services, profile, $"{what}", iterations, random, inputs, call);
                        all.Add((run, name, samples, load));
                        Console.WriteLine($"{name} — {load}");
                        Samples.PrintTable([samples]);
                        if (what.StartsWith("search", StringComparison.Ordinal))
                            Console.WriteLine("  slowest: " + string.Join(", ", samples.Slowest(5).Select(x => string.Create(CultureInfo.InvariantCulture, $"'{x.Input}' {x.Ms:0.0} ms"))));
                    }
                    await Measure("search partial name (limit 10)", sample.Prefixes, (s, text) => s.SearchAsync(text, 10));
                    await Measure("list by province, first 50", sample.Provinces, (s, p) => s.ListAsync(new RegistryFilter { Provinces = [p] }, null, 50, false));
                    await Measure("lookup in-process", sample.Phones, (s, phone) => s.LookupAsync(phone));
                }
            }

            Console.WriteLine($"\n== summary: median over {runs} run(s) of each percentile (ms); target in brackets");
            Console.WriteLine($"{"user",-28} {"measure",-34} {"p50",8} {"p95",8} {"p99",8} {"max",8}  per-run p95 | p99");
            foreach (var group in all.GroupBy(x => (x.User, x.Samples.Name)))
            {
                var s = group.Select(x => x.Samples).ToList();
                double Median(Func<Samples, double> f) { var v = s.Select(f).Order().ToList(); return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2; }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{group.Key.User,-28} {group.Key.Name,-34} {Median(x => x.Percentile(50)),8:0.00} {Median(x => x.Percentile(95)),8:0.00} {Median(x => x.Percentile(99)),8:0.00} {Median(x => x.Max),8:0.0}  {string.Join(" / ", s.Select(x => x.Percentile(95).ToString("0.00", CultureInfo.InvariantCulture)))} | {string.Join(" / ", s.Select(x => x.Percentile(99).ToString("0.00", CultureInfo.InvariantCulture)))}"));
            }
            Console.WriteLine("targets: search p95 ≤ 50 ms, list first page p95 ≤ 100 ms, lookup p99 ≤ 5 ms");

            if (args.Has("explain"))
                foreach (var (name, profile) in users.Skip(1))
                {
                    var slowest = all.Where(x => x.User == name && x.Samples.Name.StartsWith("search", StringComparison.Ordinal))
                        .SelectMany(x => x.Samples.Slowest(1)).OrderByDescending(x => x.Ms).First().Input;
                    var slowList = all.Where(x => x.User == name && x.Samples.Name.StartsWith("list", StringComparison.Ordinal))
                        .SelectMany(x => x.Samples.Slowest(1)).OrderByDescending(x => x.Ms).First().Input;
                    await ExplainAsync(database, name, profile, slowest, slowList);
                }
        }
        finally
        {
            if (drop) await database.DropAsync();
        }
        return 0;
    }

    static string PostgresServer() => $"{Schedario.Tests.Infrastructure.PostgresServer.ServerVariable} must name the same server";

    /// <summary>
    /// The agency, portfolio type, two users and a subject, made once per database; then 1% of the
    /// records owned by the operator's subject and 10% moved to the agency, set-based (a hash of
    /// the id picks them, so both sets are spread over the whole alphabet and independent).
    /// </summary>
    static async Task<(string OperatorId, string AgencyUserId)> SetUpAsync(BenchDatabase database)
    {
        var started = Stopwatch.GetTimestamp();
        await using var db = database.CreateContext();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        foreach (var role in new[] { Roles.Operator, Roles.BackOffice })
            if (!await db.Roles.AnyAsync(r => r.Name == role))
                db.Roles.Add(new IdentityRole(role) { NormalizedName = role.ToUpperInvariant() });
        var agency = await db.Set<Agency>().FirstOrDefaultAsync(a => a.Code == Code);
        if (agency is null) db.Add(agency = new Agency { Code = Code, Name = "Bench agency" });
        var portfolio = await db.Set<PortfolioType>().FirstOrDefaultAsync(p => p.Code == Code);
        if (portfolio is null) db.Add(portfolio = new PortfolioType { Code = Code, Name = "Bench portfolio" });
        await db.SaveChangesAsync();

        var operatorUser = await EnsureUserAsync(db, OperatorName, Roles.Operator, agencyId: null);
        var agencyUser = await EnsureUserAsync(db, AgencyUserName, Roles.BackOffice, agency.Id);
        var subject = await db.Set<Subject>().FirstOrDefaultAsync(s => s.UserId == operatorUser.Id);
        if (subject is null) db.Add(subject = new Subject { Kind = SubjectKind.Operator, Name = "Bench operator", UserId = operatorUser.Id });
        // 99 colleagues own the other 99%, as in a registry where every record has an owner: the
        // owners table then holds a row per record, not only the bench operator's.
        var colleagues = await db.Set<Subject>().Where(s => s.Name.StartsWith("Bench colleague ")).ToListAsync();
        for (var k = colleagues.Count + 1; k < OwnerBuckets; k++)
        {
            var colleague = new Subject { Kind = SubjectKind.Operator, Name = $"Bench colleague {k:00}" };
            db.Add(colleague);
            colleagues.Add(colleague);
        }
        // BackOffice reads everything by default; the agency user's role is narrowed to its agency.
        var read = await db.Set<RoleVisibility>().FirstOrDefaultAsync(v => v.Role == Roles.BackOffice && v.Action == RecordAction.Read);
        if (read is null) db.Add(new RoleVisibility { Role = Roles.BackOffice, Action = RecordAction.Read, Level = VisibilityLevel.Agency });
        else read.Level = VisibilityLevel.Agency;
        var operatorRead = await db.Set<RoleVisibility>().FirstOrDefaultAsync(v => v.Role == Roles.Operator && v.Action == RecordAction.Read);
        if (operatorRead is null) db.Add(new RoleVisibility { Role = Roles.Operator, Action = RecordAction.Read, Level = VisibilityLevel.Own });
        else operatorRead.Level = VisibilityLevel.Own;
        await db.SaveChangesAsync();

        // Bucket 0 (hash of the id mod 100) is the bench operator's, bucket k the k-th colleague's.
        var owners = new[] { subject.Id }.Concat(colleagues.OrderBy(c => c.Name).Select(c => c.Id)).ToArray();
        var owned = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO customer_owners ("CustomerId", "PortfolioTypeId", "SubjectId", "AssignedAt", "AssignedBy")
            SELECT "Id", {portfolio.Id}, ({owners})[abs(hashtext("Id"::text)) % {OwnerBuckets} + 1], now() AT TIME ZONE 'UTC', 'bench'
            FROM customers
            ON CONFLICT DO NOTHING
            """);
        var moved = await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE customers SET "AgencyId" = {agency.Id}
            WHERE abs(hashtext("Id"::text || 'agency')) % 10 = 0 AND "AgencyId" IS DISTINCT FROM {agency.Id}
            """);
        if (owned > 0 || moved > 0)
            // What autovacuum would do soon after such a change: fresh statistics and visibility map.
            await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE) customers, customer_owners");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"set-up in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s: {owned:N0} owner rows added (the operator is subject {subject.Id}, 99 colleagues own the rest), {moved:N0} records moved to agency {agency.Id}"));
        return (operatorUser.Id, agencyUser.Id);
    }

    /// <summary>
    /// A campaign with an entry for every record, assigned to 50 other operators (10% leased), as
    /// after a wizard run over the whole registry: the filter's campaign branch ("assigned to or
    /// leased by me") then reads a large table. The bench users get no entry, so what they see
    /// does not change; only what it costs to find out.
    /// </summary>
    static async Task AddCampaignEntriesAsync(BenchDatabase database)
    {
        var started = Stopwatch.GetTimestamp();
        await using var db = database.CreateContext();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(15));
        if (await db.Set<Campaign>().AnyAsync(c => c.Code == Code)) return;
        var type = await db.Set<CampaignType>().FirstOrDefaultAsync(t => t.Code == Code);
        if (type is null) db.Add(type = new CampaignType { Code = Code, Name = "Bench" });
        await db.SaveChangesAsync();
        var campaign = new Campaign
        {
            Code = Code, Name = "Bench visibility", TypeId = type.Id, StartDate = DateOnly.FromDateTime(DateTime.UtcNow),
            EndDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30), CreatedAt = DateTime.UtcNow, CreatedBy = "bench",
        };
        db.Add(campaign);
        await db.SaveChangesAsync();
        var entries = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO campaign_entries ("CampaignId", "CustomerId", "State", "Attempts", "Priority", "CreatedAt", "Version", "AssignedUserId", "LeaseHolder")
            SELECT {campaign.Id}, "Id", {nameof(EntryState.ToCall)}, 0, 0, now(), 1,
                   'bench-colleague-' || (abs(hashtext("Id"::text || 'op')) % 50),
                   CASE WHEN abs(hashtext("Id"::text || 'lease')) % 10 = 0 THEN 'bench-colleague-' || (abs(hashtext("Id"::text || 'op')) % 50) END
            FROM customers
            """);
        await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE) campaign_entries");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"campaign {campaign.Id}: {entries:N0} entries for 50 other operators in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
    }

    static async Task<AppUser> EnsureUserAsync(SchedarioDb db, string name, string role, int? agencyId)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == name.ToUpperInvariant());
        if (user is null)
        {
            user = new AppUser
            {
                UserName = name, NormalizedUserName = name.ToUpperInvariant(), DisplayName = name,
                Email = name + "@bench.invalid", NormalizedEmail = (name + "@bench.invalid").ToUpperInvariant(),
                SecurityStamp = Guid.NewGuid().ToString("N"), AgencyId = agencyId,
            };
            db.Users.Add(user);
            await db.SaveChangesAsync();
        }
        var roleId = await db.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleAsync();
        if (!await db.UserRoles.AnyAsync(ur => ur.UserId == user.Id && ur.RoleId == roleId))
        {
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roleId });
            await db.SaveChangesAsync();
        }
        return user;
    }

    static async Task<Samples> MeasureAsync<T>(ServiceProvider services, AccessProfile? profile, string name, int iterations, Random random,
        List<string> inputs, Func<CustomerService, string, Task<T>> call)
    {
        var samples = new Samples(name);
        // As AccessMiddleware does for a request: the profile flows into every query of the call.
        using var _ = AmbientAccess.As(profile);
        for (var i = 0; i < WarmUp + iterations; i++)
        {
            var input = inputs[random.Next(inputs.Count)];
            var started = Stopwatch.GetTimestamp();
            await using (var scope = services.CreateAsyncScope())
                await call(scope.ServiceProvider.GetRequiredService<CustomerService>(), input);
            if (i >= WarmUp) samples.Add(started, input);
        }
        return samples;
    }

    /// <summary>The plans of the slowest search (each branch, as SearchAsync sends it) and list, as the given user.</summary>
    static async Task ExplainAsync(BenchDatabase database, string user, AccessProfile? profile, string prefix, string province)
    {
        using var _ = AmbientAccess.As(profile);
        await using var db = database.CreateContext();
        var customers = db.Set<Customer>().AsNoTracking();
        var branch = 0;
        foreach (var q in QuickSearch.Branches(customers, db, prefix))
            await ExplainPlans.PrintAsync(db, $"{user}: search '{prefix}' branch {++branch}", q.Take(10).Select(CustomerMapping.Summary));
        var list = new RegistryFilter { Provinces = [province] }.Apply(customers, db)
            .OrderBy(c => c.SearchName).ThenBy(c => c.Id).Take(51).Select(CustomerMapping.Summary);
        await ExplainPlans.PrintAsync(db, $"{user}: list province {province}", list);
        var e164 = await db.Set<CustomerPhone>().IgnoreQueryFilters().OrderBy(p => p.Id).Select(p => p.E164).FirstAsync();
        var lookup = (from p in db.Set<CustomerPhone>().AsNoTracking()
                      join c in customers on p.CustomerId equals c.Id
                      where p.E164 == e164
                      orderby p.ReferentId != null, c.SearchName
                      select new LookupMatch(c.Id, c.DisplayName, p.E164, p.ReferentId)).Take(50);
        await ExplainPlans.PrintAsync(db, $"{user}: lookup {e164}", lookup);
    }

    /// <summary>The load average, to state next to every figure (the machine is shared).</summary>
    public static string Load() =>
        File.Exists("/proc/loadavg") ? "load " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "load ?";
}
