using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter;
using Schedario.Web.CallCenter.Compliance;
using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.CallCenter.Dialer.Service;
using Schedario.Web.CallCenter.Inbound;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Registry;

namespace Schedario.Bench;

/// <summary>
/// <c>dialer-live [operators=20] [wallMinutes=5] [speed=10] [names=20000] [seed=1] [tickMs=250/speed]</c>:
/// the real dialer service (<see cref="DialerService"/> and its campaign runner, the telephony processor, the
/// inbound router and its sweeper, presence, the desk's close, the PostgreSQL bus) against the
/// <see cref="SimulatedPbx"/> on a throwaway PostgreSQL, with N operator bots, for a few wall-clock minutes,
/// and the same calling day replayed by <see cref="DialerSimulation"/> for comparison.
/// <para>
/// Time compression: the app runs on a <see cref="ScaledClock"/>, a TimeProvider that runs <c>speed</c> times
/// faster than the wall clock (its timers fire <c>speed</c> times sooner). Every duration the app knows — the
/// PBX's ring, answer and ring-out, the campaign's 3 s grace, the pacer's own horizons, leases, the bar's
/// heartbeat — is therefore scaled at once and stays what the model says in simulated seconds. Only what runs
/// on real time is not scaled: the database, the runner's tick (<c>Dialer:TickMilliseconds</c>, a wait on
/// the wall clock, set here to 250 ms ÷ speed so it stays 250 simulated ms) and the work itself: every
/// wall millisecond the service spends counts <c>speed</c> simulated milliseconds.
/// </para>
/// <para>
/// The numbers: entry i of the list is number i of <see cref="DialerModel.Fate"/> for the seed, so the service
/// meets the same people as the simulator's day of the same seed (common random numbers): its result is set
/// on the PBX (<see cref="SimulatedPbx.SetOutcome"/>), its talk and wrap-up are what the bot who gets it does.
/// Each number rings the model's own time for it before its outcome (<see cref="SimulatedPbx.SetOutcome"/> with a
/// time), so the service meets the rings the simulator's day has: the headline model, ring sd included.
/// </para>
/// </summary>
static class DialerLiveCommand
{
    const string CloseOutcome = "NON INTERESSATO";

    public static async Task<int> RunAsync(string[] args)
    {
        double Arg(int i, double fallback) => double.TryParse(args.ElementAtOrDefault(i), CultureInfo.InvariantCulture, out var v) ? v : fallback;
        var operators = (int)Arg(1, 20);
        var wallMinutes = Arg(2, 5);
        var speed = Arg(3, 10);
        var names = (int)Arg(4, 20_000);
        var seed = (int)Arg(5, 1);
        var tickMs = (int)Math.Max(5, Arg(6, Math.Round(250 / speed)));
        var model = new DialerModel { Operators = operators, AnswerRate = 0.25, MachineRate = 0.05, FastFailRate = 0.10, Seed = seed };
        model = DialerCommand.WithHangUpFromEnvironment(model);

        Console.WriteLine($"dialer-live: {operators} operator bots, {wallMinutes} wall minutes at ×{speed} (= {wallMinutes * speed:0} simulated minutes), {names:N0} names, seed {seed}, runner tick {tickMs} ms wall (= {tickMs * speed:0} simulated ms)");
        Machine.Print();
        Console.WriteLine($"load before: {Load()}");

        var clock = new ScaledClock(speed);
        var cs = new NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync("bench_dialerlive")) { MaxPoolSize = 100, CommandTimeout = 600 }.ConnectionString;
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres", ["ConnectionStrings:Schedario"] = cs,
            // Simulated seconds (the PBX's timers run on the scaled clock).
            ["Telephony:Simulated:AnswerAfterSeconds"] = F(model.RingMeanSeconds),
            ["Telephony:Simulated:RingOutSeconds"] = F(model.RingOutSeconds),
            ["Telephony:Simulated:FailAfterSeconds"] = "3",
            ["Telephony:Simulated:InboundAbandonAfterSeconds"] = "120",
            // Wall milliseconds: the runner waits on the wall clock between looks (a PBX event wakes it sooner).
            ["Dialer:TickMilliseconds"] = tickMs.ToString(CultureInfo.InvariantCulture),
            // Simulated milliseconds (the scan waits on the app's clock).
            ["Dialer:ScanMilliseconds"] = "1000",
        }).Build();
        var services = BenchEnv.AppServices(config);
        services.AddMetrics();
        services.AddTelephony(config);
        services.AddCallCenter(config);
        services.AddSingleton<TimeProvider>(clock);
        services.AddLogging(b =>
        {
            b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; }).SetMinimumLevel(LogLevel.Warning);
            // DIALER_TRACE=1: every pacing decision of the runner (what it saw, θ, what it launched), to compare with the simulator's.
            if (Environment.GetEnvironmentVariable("DIALER_TRACE") == "1") b.AddFilter(typeof(CampaignDialer).FullName, LogLevel.Debug);
        });
        await using var sp = services.BuildServiceProvider();

        var ticks = new ConcurrentQueue<double>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) => { if (instrument.Name == DialerMetrics.TickInstrument) listener.EnableMeasurementEvents(instrument); };
        meters.SetMeasurementEventCallback<double>((_, ms, _, _) => ticks.Enqueue(ms));
        meters.Start();

        var hosted = new List<IHostedService>();
        try
        {
            await using (var scope = sp.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<SchedarioDb>().MigrateAsync();
            var seedWatch = Stopwatch.StartNew();
            var (campaignId, fates, bots) = await SeedAsync(sp, clock, model, names, operators);
            Console.WriteLine($"seeded {names:N0} names and {operators} operators in {seedWatch.Elapsed.TotalSeconds:F0} s");

            // The hosted services the web host would start for this: the bus, the inbound sweeper, the dialer.
            hosted.Add(sp.GetRequiredService<PostgresCallCenterBus>());
            hosted.AddRange(sp.GetServices<IHostedService>().OfType<InboundSweeper>());
            hosted.Add(sp.GetRequiredService<DialerService>());
            foreach (var h in hosted) await h.StartAsync(default);

            var bus = sp.GetRequiredService<ICallCenterBus>();
            var byId = bots.ToDictionary(b => b.Id);
            using var sub = bus.Subscribe(m =>
            {
                if (m.Topic.StartsWith("user:", StringComparison.Ordinal) && byId.TryGetValue(m.Topic[5..], out var bot)) bot.Signal();
                return Task.CompletedTask;
            });

            using var botsStop = new CancellationTokenSource();
            // Bars open and ready, joined to the campaign: what an operator does on the phone bar.
            foreach (var b in bots)
            {
                await using var scope = sp.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<PresenceService>().OpenAsync(b.Id, b.Name, b.Extension);
                await scope.ServiceProvider.GetRequiredService<PresenceService>().SetStateAsync(b.Id, b.Name, new PhoneBarStateInput("ready", null));
                await scope.ServiceProvider.GetRequiredService<DialerControl>().JoinAsync(campaignId, b.Id);
            }
            var heartbeat = HeartbeatAsync(sp, clock, bots, botsStop.Token);
            var botTasks = bots.Select(b => b.RunAsync(sp, clock, fates, botsStop.Token)).ToList();

            // The calling day ends with the measured window, as the simulator's day does: the pacer spends its
            // abandon budget over the same horizon (without it, it would plan to midnight and a 40-minute run
            // would measure a slice of a longer day). Not across a local midnight: then it calls until midnight.
            var localStart = clock.GetLocalNow().DateTime;
            var localEnd = localStart.AddMinutes(wallMinutes * speed);
            if (localEnd.Date == localStart.Date)
                await UseAsync(sp, db => db.Campaigns().Where(c => c.Id == campaignId)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.CallTo, TimeOnly.FromDateTime(localEnd))));
            else Console.WriteLine("the run crosses local midnight: the campaign calls until midnight, the pacer plans to then");
            await using (var scope = sp.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<DialerControl>().StartAsync(campaignId, "bench");
            var t0 = clock.GetUtcNow().UtcDateTime;
            foreach (var b in bots) { b.LoggedFrom = t0; lock (b.WrapUps) b.ReadyAt.Insert(0, t0); }
            var wall = Stopwatch.StartNew();
            var until = TimeSpan.FromMinutes(wallMinutes);
            while (wall.Elapsed < until)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, (until - wall.Elapsed).TotalSeconds + 0.01)));
                await ProgressAsync(sp, clock, campaignId, t0, ticks, bots);
            }
            var t1 = clock.GetUtcNow().UtcDateTime;
            var loadAtEnd = Load();

            // Stop placing; the calls in flight end (waiting people are connected or abandoned, talks end, names are closed).
            await using (var scope = sp.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<DialerControl>().StopAsync(campaignId);
            var drain = Stopwatch.StartNew();
            while (drain.Elapsed < TimeSpan.FromSeconds(90))
            {
                var live = await UseAsync(sp, db => db.DialerCalls().CountAsync(d => d.CampaignId == campaignId && d.State != DialerCallState.Ended));
                var busy = bots.Count(b => b.Busy);
                if (live == 0 && busy == 0) break;
                await Task.Delay(250);
            }
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, 3 / speed * 2)));
            await botsStop.CancelAsync();
            try { await Task.WhenAll(botTasks.Append(heartbeat)); } catch (OperationCanceledException) { }

            var service = await MeasureAsync(sp, campaignId, t0, t1, bots, speed, fates);
            var tickSamples = ticks.ToArray();
            var integrity = await IntegrityAsync(sp, campaignId, bots, drain.Elapsed);

            var hours = (t1 - t0).TotalHours;
            Console.WriteLine();
            Console.WriteLine($"measured window: {(t1 - t0).TotalMinutes:0.0} simulated minutes ({wall.Elapsed.TotalMinutes:0.0} wall minutes); load at the end: {loadAtEnd}; after the drain: {Load()}");
            Report(service, hours, operators, speed, tickMs, tickSamples, model with { DayHours = hours }, integrity);
            return 0;
        }
        finally
        {
            foreach (var h in Enumerable.Reverse(hosted))
                try { await h.StopAsync(default); } catch (Exception e) { Console.WriteLine($"stopping {h.GetType().Name}: {e.Message}"); }
            if (Environment.GetEnvironmentVariable("SCHEDARIO_BENCH_KEEP") != "1") await PostgresServer.DropDatabaseAsync(cs);
            else Console.WriteLine($"kept database {new NpgsqlConnectionStringBuilder(cs).Database}");
        }
    }

    static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

    static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    static async Task<T> UseAsync<T>(IServiceProvider sp, Func<SchedarioDb, Task<T>> work)
    {
        await using var scope = sp.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<SchedarioDb>());
    }

    /// <summary>A predictive campaign callable all day, its names (number i does what the model's number i does), the operators' users, the register checked today.</summary>
    static async Task<(int CampaignId, Dictionary<string, NumberFate> Fates, List<Bot> Bots)> SeedAsync(
        ServiceProvider sp, ScaledClock clock, DialerModel model, int names, int operators)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var pbx = sp.GetRequiredService<SimulatedPbx>();
        var fates = new Dictionary<string, NumberFate>(names, StringComparer.Ordinal);
        var customers = new List<Customer>(names);
        for (var i = 0; i < names; i++)
        {
            var e164 = $"+39333{i:D7}";
            var c = new Customer
            {
                Kind = CustomerKind.Person, Stage = LifecycleStage.Prospect, FirstName = "Mario", LastName = $"Rossi{i:D7}", DisplayName = $"Rossi{i:D7} Mario",
                SearchName = $"rossi{i:D7} mario", SearchNameAlt = $"mario rossi{i:D7}", Region = "Lombardia", Province = "MI", City = "Milano", MainPhone = e164,
                CreatedAt = now, CreatedBy = "bench", UpdatedAt = now, UpdatedBy = "bench",
            };
            c.Phones.Add(new CustomerPhone { CustomerId = c.Id, Type = PhoneType.Mobile, Number = e164, E164 = e164, IsMain = true });
            customers.Add(c);
            var fate = model.Fate(i);
            fates[e164] = fate;
            pbx.SetOutcome(e164, fate.Result switch
            {
                CallResult.Person => SimulatedOutcome.Answer,
                CallResult.Machine => SimulatedOutcome.Machine,
                CallResult.Failed => SimulatedOutcome.Failed,
                _ => SimulatedOutcome.NoAnswer,
            }, fate.RingSeconds);
        }
        await using (var scope = sp.CreateAsyncScope())
            await Schedario.Web.Registry.Import.BulkWriter.InsertAsync(scope.ServiceProvider.GetRequiredService<SchedarioDb>(), customers, default);

        await using var s = sp.CreateAsyncScope();
        var db = s.ServiceProvider.GetRequiredService<SchedarioDb>();
        var type = new CampaignType { Code = "LIVE", Name = "Dialer live" };
        db.Add(type);
        await db.SaveChangesAsync();
        var today = DateOnly.FromDateTime(now);
        var campaign = new Campaign
        {
            Code = "LIVE", Name = "Dialer live", TypeId = type.Id, StartDate = today.AddDays(-1), EndDate = today.AddDays(30), CallingDays = CallingDays.All,
            MaxAttempts = 5, DialMode = DialMode.Predictive, AbandonLimitPercent = model.AbandonLimit * 100, AbandonAfterSeconds = (int)model.AbandonAfterSeconds, HangUpAfterSeconds = model.HangUpAfterSeconds is { } hangUp ? (int)hangUp : 0,
            // The whole campaign: the simulator's day (a local midnight inside the run would reset "Day").
            AbandonWindow = AbandonWindow.Campaign, CreatedAt = now, CreatedBy = "bench",
        };
        db.Add(campaign);
        db.Add(new OppositionRegisterCheck { CheckedAt = now, ImportedBy = "bench", FileName = "rpo.txt" });
        var users = Enumerable.Range(0, operators).Select(i => new AppUser { UserName = $"bot{i}", NormalizedUserName = $"BOT{i}", DisplayName = $"Bot {i}" }).ToList();
        db.AddRange(users);
        await db.SaveChangesAsync();
        // In list order: the claim takes names by priority, then id, so entry i is number i of the model.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO campaign_entries ("CampaignId", "CustomerId", "State", "Attempts", "Priority", "CreatedAt", "Version")
            SELECT {campaign.Id}, c."Id", 'ToCall', 0, 0, {now}, 1 FROM customers c ORDER BY c."MainPhone"
            """);
        await db.Database.ExecuteSqlRawAsync("ANALYZE");
        return (campaign.Id, fates, users.Select((u, i) => new Bot(u.Id, u.UserName!, $"b{i}")).ToList());
    }

    /// <summary>The phone bar's heartbeat, every 15 simulated seconds (the bar counts as closed 45 s after the last).</summary>
    static async Task HeartbeatAsync(IServiceProvider sp, TimeProvider clock, List<Bot> bots, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(15), clock, ct);
                foreach (var b in bots)
                {
                    await using var scope = sp.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<PresenceService>().OpenAsync(b.Id, b.Name, b.Extension, ct);
                }
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e) { Console.WriteLine($"heartbeat: {e.Message}"); }
        }
    }

    /// <summary>
    /// An operator: when the dialer connects a call to them (the bus says so; a poll every 200 ms wall in case it
    /// did not), talks for the number's talk time counted from the connect, hangs up on the phone bar, wraps up for
    /// the number's wrap-up and closes the name on the desk with an outcome; the close makes them ready again.
    /// </summary>
    sealed class Bot(string id, string name, string extension)
    {
        public string Id { get; } = id;
        public string Name { get; } = name;
        public string Extension { get; } = extension;
        public DateTime LoggedFrom { get; set; }
        public volatile bool Busy;
        public readonly List<(DateTime From, DateTime To)> Talks = [];
        public readonly List<(DateTime From, DateTime To)> WrapUps = [];
        public readonly List<double> NoticeMs = [];
        /// <summary>When the bot became ready: the start, then each close (the close makes the bar ready before it returns).</summary>
        public readonly List<DateTime> ReadyAt = [];
        public int HangUpRefused, CloseFailed;
        readonly SemaphoreSlim signal = new(0, 1);

        public void Signal()
        {
            try { if (signal.CurrentCount == 0) signal.Release(); } catch (SemaphoreFullException) { }
        }

        public async Task RunAsync(IServiceProvider sp, ScaledClock clock, Dictionary<string, NumberFate> fates, CancellationToken ct)
        {
            long last = 0;
            while (!ct.IsCancellationRequested)
            {
                try { await signal.WaitAsync(TimeSpan.FromMilliseconds(200), ct); }
                catch (OperationCanceledException) { return; }
                try
                {
                    DialerConnectedDto? call;
                    await using (var scope = sp.CreateAsyncScope())
                        call = await scope.ServiceProvider.GetRequiredService<DialerControl>().ConnectedAsync(Id, ct);
                    if (call is null || call.DialerCallId == last) continue;
                    last = call.DialerCallId;
                    Busy = true;
                    var noticed = clock.GetUtcNow().UtcDateTime;
                    lock (NoticeMs) NoticeMs.Add((noticed - call.ConnectedAt).TotalMilliseconds / clock.Speed);
                    var fate = fates[call.Number];
                    var talkLeft = call.ConnectedAt.AddSeconds(fate.TalkSeconds) - noticed;
                    if (talkLeft > TimeSpan.Zero) await Task.Delay(talkLeft, clock, ct);
                    await using (var scope = sp.CreateAsyncScope())
                    {
                        try { await scope.ServiceProvider.GetRequiredService<InboundDesk>().HangUpAsync(Id, ct); }
                        catch (Schedario.Web.Shared.RuleException) { Interlocked.Increment(ref HangUpRefused); }
                    }
                    var hungUp = clock.GetUtcNow().UtcDateTime;
                    lock (Talks) Talks.Add((call.ConnectedAt, hungUp));
                    if (fate.WrapUpSeconds > 0) await Task.Delay(TimeSpan.FromSeconds(fate.WrapUpSeconds), clock, ct);
                    await using (var scope = sp.CreateAsyncScope())
                    {
                        try { await scope.ServiceProvider.GetRequiredService<DeskService>().CloseAsync(call.EntryId, new CloseInput { OutcomeCode = CloseOutcome }, Id, Name, ct); }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            Interlocked.Increment(ref CloseFailed);
                            Console.WriteLine($"{Name}: close of entry {call.EntryId} failed: {e.Message}");
                        }
                    }
                    var closed = clock.GetUtcNow().UtcDateTime;
                    lock (WrapUps) { WrapUps.Add((hungUp, closed)); ReadyAt.Add(closed); }
                    Busy = false;
                    Signal();
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
                catch (Exception e)
                {
                    Busy = false;
                    Console.WriteLine($"{Name}: {e.GetType().Name}: {e.Message}");
                }
            }
        }
    }

    static async Task ProgressAsync(IServiceProvider sp, ScaledClock clock, int campaignId, DateTime t0, ConcurrentQueue<double> ticks, List<Bot> bots)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (placed, person, abandoned, state) = await UseAsync(sp, async db =>
        {
            var q = db.DialerCalls().AsNoTracking().Where(d => d.CampaignId == campaignId && d.PlacedAt >= t0);
            var s = await db.DialerRunnerStates().AsNoTracking().FirstOrDefaultAsync(x => x.CampaignId == campaignId);
            return (await q.CountAsync(), await q.CountAsync(d => d.AnsweredAt != null && d.Result != DialerCallResult.Machine),
                await q.CountAsync(d => d.Result == DialerCallResult.Abandoned), s);
        });
        var t = ticks.ToArray();
        var talking = bots.Sum(b => { lock (b.Talks) return b.Talks.Sum(x => (x.To - x.From).TotalSeconds); });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  sim +{(now - t0).TotalMinutes:0.0} min (load {Load()}): placed {placed}, person {person}, abandoned {abandoned} ({(person > 0 ? 100.0 * abandoned / person : 0):0.00}%), " +
            $"level {state?.DialLevel:0.00}, ringing {state?.Ringing}, waiting {state?.Waiting}, connected {state?.Connected}, ready {state?.OperatorsReady}/{state?.OperatorsLoggedIn}, hold {state?.Hold}; " +
            $"ticks {t.Length} (p50 {Pct(t, 50):0.0} ms, p99 {Pct(t, 99):0.0} ms); talk so far {talking / 60 / bots.Count:0.0} min/op"));
    }

    static double Pct(double[] xs, double p)
    {
        if (xs.Length == 0) return double.NaN;
        var s = xs.Order().ToArray();
        return s[Math.Clamp((int)Math.Ceiling(p / 100 * s.Length) - 1, 0, s.Length - 1)];
    }

    sealed record ServiceFigures(
        long Placed, long Person, long Abandoned, long Machines, long NoAnswer, long Failed, long NotPlaced, long Connected,
        double TalkSeconds, double WrapSeconds, double LoggedSeconds, int Talks,
        double[] AnswerToConnectSimS, double[] BothThereToConnectSimS, double[] AnswerToAbandonSimS, double[] NoticeWallMs, int HangUpRefused, int CloseFailed,
        long HungUp, long HungUpPersons, double MinHungUpRingSeconds);

    static async Task<ServiceFigures> MeasureAsync(IServiceProvider sp, int campaignId, DateTime t0, DateTime t1, List<Bot> bots, double speed,
        IReadOnlyDictionary<string, NumberFate> fates)
    {
        var calls = await UseAsync(sp, db => db.DialerCalls().AsNoTracking().Where(d => d.CampaignId == campaignId && d.PlacedAt >= t0 && d.PlacedAt < t1).ToListAsync());
        var answeredIn = calls.Where(d => d.AnsweredAt >= t0 && d.AnsweredAt < t1 && d.Result != DialerCallResult.Machine).ToList();
        double Clip(DateTime a, DateTime b) => Math.Max(0, ((b < t1 ? b : t1) - (a > t0 ? a : t0)).TotalSeconds);
        var talk = bots.Sum(b => b.Talks.Sum(x => Clip(x.From, x.To)));
        // Calls the dialer hung up while they rang: how many, how many a person would have answered later, and the shortest ring.
        var hungUp = calls.Where(d => d is { Cause: CampaignDialer.HungUpCause, EndedAt: not null }).ToList();
        var wrap = bots.Sum(b => b.WrapUps.Sum(x => Clip(x.From, x.To)));
        return new ServiceFigures(
            calls.Count,
            answeredIn.Count,
            answeredIn.Count(d => d.Result == DialerCallResult.Abandoned),
            calls.Count(d => d.Result == DialerCallResult.Machine),
            calls.Count(d => d.Result == DialerCallResult.NoAnswer),
            calls.Count(d => d.Result is DialerCallResult.Failed or DialerCallResult.Busy),
            calls.Count(d => d.Result == DialerCallResult.NotPlaced),
            calls.Count(d => d.ConnectedAt != null),
            talk, wrap, bots.Count * (t1 - t0).TotalSeconds, bots.Sum(b => b.Talks.Count),
            calls.Where(d => d is { AnsweredAt: not null, ConnectedAt: not null }).Select(d => (d.ConnectedAt!.Value - d.AnsweredAt!.Value).TotalSeconds).ToArray(),
            calls.Where(d => d is { AnsweredAt: not null, ConnectedAt: not null, OperatorUserId: not null }).Select(d =>
            {
                var ready = bots.First(b => b.Id == d.OperatorUserId).ReadyAt.Where(r => r <= d.ConnectedAt!.Value).DefaultIfEmpty(t0).Max();
                return (d.ConnectedAt!.Value - (ready > d.AnsweredAt!.Value ? ready : d.AnsweredAt!.Value)).TotalSeconds;
            }).ToArray(),
            calls.Where(d => d is { Result: DialerCallResult.Abandoned, AnsweredAt: not null, EndedAt: not null }).Select(d => (d.EndedAt!.Value - d.AnsweredAt!.Value).TotalSeconds).ToArray(),
            bots.SelectMany(b => b.NoticeMs).ToArray(),
            bots.Sum(b => b.HangUpRefused), bots.Sum(b => b.CloseFailed),
            hungUp.Count, hungUp.Count(d => fates.TryGetValue(d.Number, out var f) && f.Result == CallResult.Person),
            hungUp.Select(d => (d.EndedAt!.Value - d.PlacedAt).TotalSeconds).DefaultIfEmpty(double.NaN).Min());
    }

    /// <summary>What must never happen, counted after the drain: a name dialed twice at once, an operator given two calls, calls or leases or operators left behind.</summary>
    static async Task<List<string>> IntegrityAsync(IServiceProvider sp, int campaignId, List<Bot> bots, TimeSpan drained)
    {
        var findings = new List<string>();
        var calls = await UseAsync(sp, db => db.DialerCalls().AsNoTracking().Where(d => d.CampaignId == campaignId).OrderBy(d => d.Id).ToListAsync());
        var overlapping = 0;
        foreach (var g in calls.GroupBy(c => c.EntryId).Where(g => g.Count() > 1))
        {
            var list = g.OrderBy(c => c.PlacedAt).ToList();
            for (var i = 1; i < list.Count; i++)
                if (list[i - 1].EndedAt is not { } end || list[i].PlacedAt < end) overlapping++;
        }
        findings.Add($"names dialed again while a call to them was live: {overlapping} (names dialed more than once: {calls.GroupBy(c => c.EntryId).Count(g => g.Count() > 1)})");
        var doubleBooked = 0;
        foreach (var g in calls.Where(c => c.ConnectedAt != null).GroupBy(c => c.OperatorUserId))
        {
            var list = g.OrderBy(c => c.ConnectedAt).ToList();
            for (var i = 1; i < list.Count; i++)
                if (list[i - 1].EndedAt is not { } end || list[i].ConnectedAt < end) doubleBooked++;
        }
        findings.Add($"operators connected while still on a dialer call: {doubleBooked}");
        findings.Add($"dialer calls not ended {drained.TotalSeconds:0} s after the stop: {calls.Count(c => c.State != DialerCallState.Ended)}"
            + string.Join("", calls.Where(c => c.State != DialerCallState.Ended).Take(5).Select(c => $" [{c.Id} {c.State} placed {c.PlacedAt:HH:mm:ss}]")));
        var holder = "dialer:" + campaignId;
        var leased = await UseAsync(sp, db => db.CampaignEntries().AsNoTracking().Where(e => e.CampaignId == campaignId && e.LeaseHolder != null)
            .Select(e => new { e.Id, e.LeaseHolder }).ToListAsync());
        findings.Add($"names still leased after the drain: {leased.Count(l => l.LeaseHolder == holder)} to the dialer, {leased.Count(l => l.LeaseHolder != holder)} to operators");
        var presence = await UseAsync(sp, db => db.OperatorPresence().AsNoTracking().Select(p => new { p.UserId, p.State, p.CurrentCallId }).ToListAsync());
        findings.Add("operators after the drain: " + string.Join(", ", presence.GroupBy(p => p.State).Select(g => $"{g.Key} {g.Count()}")));
        var telLive = await UseAsync(sp, db => db.TelephonyCalls().AsNoTracking().CountAsync(t => t.State != TelephonyCallState.Ended));
        findings.Add($"telephony calls not ended: {telLive}; simulated PBX calls still up: {sp.GetRequiredService<SimulatedPbx>().ActiveCalls}");
        var lost = calls.Count(c => c.Cause is "lost" or "not-placed" or "pbx-refused");
        findings.Add($"calls settled as lost / not placed / refused by the PBX: {lost}");
        findings.Add($"bots: hang-ups refused (not on a call) {bots.Sum(b => b.HangUpRefused)}, closes failed {bots.Sum(b => b.CloseFailed)}");
        return findings;
    }

    static void Report(ServiceFigures s, double hours, int operators, double speed, int tickMs, double[] ticks, DialerModel model, List<string> integrity)
    {
        string P(double v) => (100 * v).ToString("0.00", CultureInfo.InvariantCulture) + "%";
        string N(double v, string f = "0.00") => v.ToString(f, CultureInfo.InvariantCulture);

        // The simulator on the same model and length: the same seed (the same people in the same order), then 10 seeds for the spread.
        var sameSeed = DialerSimulation.Run(model, SimulatedMode.Predictive);
        var oracle = DialerSimulation.Run(model, SimulatedMode.Oracle);
        var tenSeeds = Enumerable.Range(1, 10).Select(i => DialerSimulation.Run(model with { Seed = i }, SimulatedMode.Predictive)).ToArray();
        var tenOracle = Enumerable.Range(1, 10).Select(i => DialerSimulation.Run(model with { Seed = i }, SimulatedMode.Oracle)).ToArray();

        var occupancy = s.TalkSeconds / s.LoggedSeconds;
        var talkPerOpHour = s.TalkSeconds / 60 / (operators * hours);
        Console.WriteLine();
        Console.WriteLine($"## The real dialer service vs the simulator ({operators} operators, 25% answer rate, {N(hours * 60, "0")} simulated minutes)");
        Console.WriteLine("| | service (seed " + model.Seed + ") | simulator, same seed | simulator, 10 seeds mean (min–max) |");
        Console.WriteLine("|---|---|---|---|");
        string Range(Func<DialerRunResult, double> f, Func<double, string> fmt) => $"{fmt(tenSeeds.Average(f))} ({fmt(tenSeeds.Min(f))}–{fmt(tenSeeds.Max(f))})";
        Console.WriteLine($"| calls placed / h | {N(s.Placed / hours, "0")} | {N(sameSeed.CallsPerHour, "0")} | {Range(r => r.CallsPerHour, v => N(v, "0"))} |");
        Console.WriteLine($"| answered by a person / h | {N(s.Person / hours, "0")} | {N(sameSeed.AnsweredByPerson / hours, "0")} | {Range(r => r.AnsweredByPerson / hours, v => N(v, "0"))} |");
        Console.WriteLine($"| abandoned (rate) | {s.Abandoned} ({P(s.Person > 0 ? (double)s.Abandoned / s.Person : 0)}) | {sameSeed.Abandoned} ({P(sameSeed.AbandonRate)}) | {Range(r => r.AbandonRate, P)} |");
        Console.WriteLine($"| machines / h | {N(s.Machines / hours, "0")} | {N(sameSeed.Machines / hours, "0")} | {Range(r => r.Machines / hours, v => N(v, "0"))} |");
        Console.WriteLine($"| occupancy (talk ÷ logged) | {N(occupancy, "0.000")} | {N(sameSeed.Occupancy, "0.000")} | {Range(r => r.Occupancy, v => N(v, "0.000"))} |");
        Console.WriteLine($"| talk min / operator-hour | {N(talkPerOpHour)} | {N(sameSeed.TalkMinutesPerOperatorHour)} | {Range(r => r.TalkMinutesPerOperatorHour, v => N(v))} |");
        Console.WriteLine($"| occupancy ÷ oracle | {N(occupancy / oracle.Occupancy, "0.000")} | {N(sameSeed.Occupancy / oracle.Occupancy, "0.000")} | {N(tenSeeds.Average(r => r.Occupancy) / tenOracle.Average(r => r.Occupancy), "0.000")} |");
        Console.WriteLine($"| worst rolling hour abandon | – | {P(sameSeed.WorstHourAbandonRate)} | max {P(tenSeeds.Max(r => r.WorstHourAbandonRate))} |");
        Console.WriteLine($"service detail: {s.Placed} placed, {s.Person} answered by a person, {s.Connected} connected, {s.Abandoned} abandoned, {s.Machines} machines, {s.NoAnswer} no answer, {s.Failed} failed, {s.NotPlaced} not placed; " +
                          $"{s.Talks} talks by the bots, talk {N(s.TalkSeconds / 60, "0")} min, wrap-up {N(s.WrapSeconds / 60, "0")} min, logged {N(s.LoggedSeconds / 60, "0")} min");
        Console.WriteLine($"hung up while ringing: service {s.HungUp} (a person would have answered {s.HungUpPersons} of them; shortest ring before the hang-up {N(s.MinHungUpRingSeconds, "0.0")} simulated s), " +
                          $"simulator same seed {sameSeed.HungUp} ({sameSeed.HungUpPersons})");

        Console.WriteLine();
        Console.WriteLine($"latency (simulated s, and wall ms = simulated ÷ {N(speed, "0.#")}):");
        Console.WriteLine($"{"measure",-44} {"n",6} {"p50",16} {"p95",16} {"p99",16} {"max",16}");
        void Row(string name, double[] simS)
        {
            string C(double v) => $"{N(v, "0.000")} s/{N(v * 1000 / speed, "0")} ms";
            Console.WriteLine($"{name,-44} {simS.Length,6} {C(Pct(simS, 50)),16} {C(Pct(simS, 95)),16} {C(Pct(simS, 99)),16} {C(simS.DefaultIfEmpty(double.NaN).Max()),16}");
        }
        Row("PBX answer → operator connected", s.AnswerToConnectSimS);
        Row("both there → connected (see below)", s.BothThereToConnectSimS);
        Row("PBX answer → abandoned (grace " + model.AbandonAfterSeconds + " s)", s.AnswerToAbandonSimS);
        Row("connect → the bot knows (bus + read)", s.NoticeWallMs.Select(ms => ms * speed / 1000).ToArray());
        Console.WriteLine("  (both there = the later of the PBX's answer and the moment the operator who got the call was ready again: the service's own delay, not the wait for a free operator)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"runner tick (wall ms, schedario.dialer.tick.duration): n {ticks.Length}, p50 {Pct(ticks, 50):0.0}, p95 {Pct(ticks, 95):0.0}, p99 {Pct(ticks, 99):0.0}, max {ticks.DefaultIfEmpty(double.NaN).Max():0.0}; tick period {tickMs} ms; " +
            $"{ticks.Length / Math.Max(1e-9, hours * 3600 / speed):0.0} ticks per wall second"));
        Console.WriteLine();
        Console.WriteLine("integrity:");
        foreach (var f in integrity) Console.WriteLine("  " + f);
    }
}

/// <summary>
/// A clock that runs <see cref="Speed"/> times faster than the wall clock from the moment it is made: now, the
/// timestamps and every timer (a due time of 10 s fires after 10 ÷ speed wall seconds).
/// </summary>
sealed class ScaledClock(double speed) : TimeProvider
{
    readonly DateTimeOffset start = DateTimeOffset.UtcNow;
    readonly long startTimestamp = Stopwatch.GetTimestamp();

    public double Speed => speed;

    public override DateTimeOffset GetUtcNow() => start + Stopwatch.GetElapsedTime(startTimestamp) * speed;

    public override long GetTimestamp() => startTimestamp + (long)((Stopwatch.GetTimestamp() - startTimestamp) * speed);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(System.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);

    TimeSpan Scale(TimeSpan t) => t == Timeout.InfiniteTimeSpan || t <= TimeSpan.Zero ? t : t / speed;

    sealed class ScaledTimer(ITimer inner, ScaledClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.Scale(dueTime), clock.Scale(period));
        public void Dispose() => inner.Dispose();
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
