using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Web.Access;
using Schedario.Web.Data;
using Schedario.Web.Demo;
using Schedario.Web.Registry;

namespace Schedario.Bench;

/// <summary>
/// The read figures on a database the import filled: caller-ID lookup in-process and over HTTP,
/// quick search by partial name, first page of the list filtered by province. Sequential calls,
/// a fresh context per call (the app's scope per request), warm-up first.
/// </summary>
static class QueriesCommand
{
    const string AdminPassword = "Bench!Admin2026";
    const int WarmUp = 100;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var provider = args.Provider();
        var rows = args.Long("rows");
        var iterations = args.Int("iterations", 1000);
        var random = new Random(args.Int("seed", GenerateCommand.DefaultSeed));
        Machine.Print();

        BenchDatabase database;
        var owned = false;
        if (provider == BenchProvider.Sqlite && args.Get("db") is { } existing)
            database = BenchDatabase.OpenSqlite(existing);
        else
        {
            var file = await ImportCommand.EnsureFileAsync(args, rows);
            database = await BenchDatabase.CreateAsync(provider, "queries");
            owned = true;
            var import = await ImportCommand.ImportAsync(database, file);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"filled by import in {import.Elapsed.TotalSeconds:0.0} s: {import.Job.Inserted:N0} records"));
        }
        try
        {
            await database.AnalyzeAsync();
            var sample = await SampleAsync(database, random);
            Console.WriteLine($"{sample.Records:N0} records, {sample.Phones.Count} sampled phones, {sample.Prefixes.Count} name prefixes, {sample.Provinces.Count} provinces");
            var results = new List<Samples>();
            async Task Add(Task<Samples> measure)
            {
                results.Add(await measure);
                Samples.PrintTable(results.TakeLast(1));
            }
            await Add(MeasureAsync(database, "lookup in-process", iterations, random, sample.Phones, (db, phone) => Service(db).LookupAsync(phone)));
            await Add(MeasureAsync(database, "search partial name (limit 10)", iterations, random, sample.Prefixes, (db, text) => Service(db).SearchAsync(text, 10)));
            await Add(MeasureAsync(database, "list by province, first 50", iterations, random, sample.Provinces,
                (db, p) => Service(db).ListAsync(new RegistryFilter { Provinces = [p] }, null, 50, false)));
            // The shape recommended in docs/benchmarks.md, measured on the same inputs for comparison.
            await Add(MeasureAsync(database, "search, proposed per-branch limit", iterations, random, sample.Prefixes,
                ExplainPlans.ProposedSearch));
            await Add(MeasureHttpLookupAsync(database, iterations, random, sample.Phones));
            Console.WriteLine();
            Samples.PrintTable(results);
            var slowSearch = results[1].Slowest(5).ToList();
            Console.WriteLine("slowest searches: " + string.Join(", ", slowSearch.Select(x => $"'{x.Input}' {x.Ms:0.0} ms")));
            if (args.Has("explain"))
                await ExplainPlans.PrintAsync(database, sample.E164[0], slowSearch[0].Input, "MI");
        }
        finally
        {
            if (owned) await database.DropAsync();
        }
        return 0;
    }

    static CustomerService Service(SchedarioDb db) => new(db, new RecordGuard(db), TimeProvider.System);

    internal sealed record Sample(long Records, List<string> E164, List<string> Phones, List<string> Prefixes, List<string> Provinces);

    internal static async Task<Sample> SampleAsync(BenchDatabase database, Random random)
    {
        await using var db = database.CreateContext();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
        var records = await db.Set<Customer>().LongCountAsync();
        var e164 = await db.Set<CustomerPhone>().AsNoTracking().OrderBy(p => EF.Functions.Random()).Take(2000).Select(p => p.E164).ToListAsync();
        var names = await db.Set<Customer>().AsNoTracking().OrderBy(c => EF.Functions.Random()).Take(2000).Select(c => c.DisplayName).ToListAsync();
        // A caller types the number however it was given to them.
        var phones = e164.Select(p => Format(p, random)).ToList();
        // What an operator types in the search box: the first 3-6 letters of the surname (or company name).
        var prefixes = names
            .Select(n => new string(n.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0].Where(char.IsLetter).ToArray()))
            .Where(w => w.Length >= 3)
            .Select(w => w[..random.Next(3, Math.Min(6, w.Length) + 1)])
            .ToList();
        var provinces = ItalianDataGenerator.Towns.Select(t => t.ProvinceCode).Distinct().ToList();
        return new Sample(records, e164, phones, prefixes, provinces);
    }

    static string Format(string e164, Random random)
    {
        var national = e164[3..];
        return random.Next(6) switch
        {
            0 => national,
            1 => $"+39 {national[..3]} {national[3..]}",
            2 => "0039" + national,
            3 => $"{national[..3]}-{national[3..]}",
            4 => e164,
            _ => $"{national[..3]} {national[3..6]} {national[6..]}",
        };
    }

    static async Task<Samples> MeasureAsync<T>(BenchDatabase database, string name, int iterations, Random random, List<string> inputs, Func<SchedarioDb, string, Task<T>> call)
    {
        var samples = new Samples(name);
        for (var i = 0; i < WarmUp + iterations; i++)
        {
            var input = inputs[random.Next(inputs.Count)];
            var started = Stopwatch.GetTimestamp();
            await using (var db = database.CreateContext())
                await call(db, input);
            if (i >= WarmUp) samples.Add(started, input);
        }
        return samples;
    }

    /// <summary>The real app on Kestrel on loopback, on the same database; bearer token as an integration would use.</summary>
    static async Task<Samples> MeasureHttpLookupAsync(BenchDatabase database, int iterations, Random random, List<string> phones)
    {
        // WebApplicationFactory looks for its manifest in the working directory, which is the
        // repository root here, not bin/: name the web project's folder outright.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SCHEDARIO_WEB",
            Path.GetFullPath(Path.Combine(BenchPaths.OutDirectory, "..", "..", "src", "Schedario.Web")));
        await using var app = new BenchApp(database);
        app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await Task.Run(app.StartServer);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using (var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { userName = "admin", password = AdminPassword }))
        {
            response.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", json.RootElement.GetProperty("accessToken").GetString());
        }
        var samples = new Samples("lookup over HTTP (loopback)");
        for (var i = 0; i < WarmUp + iterations; i++)
        {
            var phone = phones[random.Next(phones.Count)];
            var started = Stopwatch.GetTimestamp();
            using (var response = await http.GetAsync("/api/v1/customers/lookup?phone=" + Uri.EscapeDataString(phone)))
            {
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }
            if (i >= WarmUp) samples.Add(started);
        }
        return samples;
    }

    sealed class BenchApp(BenchDatabase database) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Database:Provider", database.ProviderSetting);
            builder.UseSetting("ConnectionStrings:Schedario", database.ConnectionString);
            builder.UseSetting("Schedario:DemoData", "false");
            builder.UseSetting("Schedario:AdminPassword", AdminPassword);
            // A log line per request would measure the console, not the lookup.
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }
}
