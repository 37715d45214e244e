using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Schedario.Tests.Campaigns;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Compliance;
using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.CallCenter.Dialer.Service;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using static Schedario.Tests.Access.AccessKit;

namespace Schedario.Tests.CallCenter.Dialer.Service;

/// <summary>The dialer tests' own app (they speed up the simulated PBX and the runner, which would slow other tests' calls).</summary>
public abstract class DialerFixture(DbProvider provider) : AppFixture(provider)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        DialerKit.Speed(Factory);
    }
}

public sealed class DialerSqliteFixture() : DialerFixture(DbProvider.Sqlite);
public sealed class DialerPostgresFixture() : DialerFixture(DbProvider.Postgres);

/// <summary>Campaigns with dialing settings, names with numbers, operators ready and joined, and waiting on the database.</summary>
public sealed class DialerKit(SchedarioAppFactory app, HttpClient admin)
{
    public CampaignKit Campaigns { get; } = new(app);

    /// <summary>A fast telephone exchange: answers in 0.2 s, rings out in 0.4 s, fails in 0.1 s; runner ticks every 50 ms.</summary>
    public static void Speed(SchedarioAppFactory app)
    {
        var sim = app.Services.GetRequiredService<IOptions<SimulatedPbxOptions>>().Value;
        sim.AnswerAfterSeconds = 0.2;
        sim.RingOutSeconds = 0.4;
        sim.FailAfterSeconds = 0.1;
        sim.HangUpAfterSeconds = null;
        var dialer = app.Services.GetRequiredService<IOptions<DialerOptions>>().Value;
        dialer.TickMilliseconds = 50;
        dialer.ScanMilliseconds = 200;
        dialer.LostCallSeconds = 3;
        dialer.PlacingTimeoutSeconds = 3;
    }

    public SimulatedPbx Pbx => app.Services.GetRequiredService<SimulatedPbx>();

    /// <summary>Calls the PBX says nothing of count as lost after <paramref name="seconds"/> instead of the kit's 3 s, until disposed
    /// (for calls that must ring longer than that).</summary>
    public IDisposable LostCallsAfter(int seconds)
    {
        var options = app.Services.GetRequiredService<IOptions<DialerOptions>>().Value;
        var before = options.LostCallSeconds;
        options.LostCallSeconds = seconds;
        return new Restore(() => options.LostCallSeconds = before);
    }

    sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    /// <summary>A campaign callable all day every day, with its dialing settings.</summary>
    public async Task<CampaignDto> CampaignAsync(string mode = "power", double lines = 1, int abandonAfter = 3, int maxAttempts = 5,
        TimeOnly? from = null, TimeOnly? to = null, int lockoutHours = 72, int? hangUpAfter = null)
    {
        var typeId = await CampaignKit.CreateTypeAsync(admin);
        var code = "D" + CampaignKit.Unique();
        var today = DateOnly.FromDateTime(DateTime.Today);
        var r = await admin.PostAsJsonAsync("/api/v1/campaigns", new CampaignInput
        {
            Code = code, Name = "Dialer " + code, TypeId = typeId, StartDate = today, EndDate = today.AddDays(30), MaxAttempts = maxAttempts,
            CallingDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], CallFrom = from, CallTo = to,
            Dialing = new DialingInput { Mode = mode, LinesPerOperator = lines, AbandonAfterSeconds = abandonAfter, AbandonLockoutHours = lockoutHours, HangUpAfterSeconds = hangUpAfter },
        });
        return await OkAsync<CampaignDto>(r);
    }

    /// <summary>Names in the campaign's shared pool; each number does what <paramref name="outcome"/> says on the simulated PBX.</summary>
    public async Task<List<(long EntryId, Guid CustomerId, string Phone)>> NamesAsync(int campaignId, int count, SimulatedOutcome outcome)
    {
        var (_, ids) = await Campaigns.SeedCustomersAsync(count);
        var result = new List<(long, Guid, string)>();
        await WithDbAsync(async db =>
        {
            var phones = await db.Set<Schedario.Web.Registry.Customer>().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.MainPhone!);
            var entries = ids.Select(id => new CampaignEntry { CampaignId = campaignId, CustomerId = id, State = EntryState.ToCall, CreatedAt = DateTime.UtcNow }).ToList();
            db.AddRange(entries);
            await db.SaveChangesAsync();
            foreach (var e in entries)
            {
                Pbx.SetOutcome(phones[e.CustomerId], outcome);
                result.Add((e.Id, e.CustomerId, phones[e.CustomerId]));
            }
        });
        return result;
    }

    /// <summary>The opposition register was imported <paramref name="daysAgo"/> days ago.</summary>
    public Task RegisterCheckedAsync(double daysAgo = 0) => WithDbAsync(async db =>
    {
        db.Add(new OppositionRegisterCheck { CheckedAt = DateTime.UtcNow.AddDays(-daysAgo), ImportedBy = "test", FileName = "rpo.txt" });
        await db.SaveChangesAsync();
    });

    /// <summary>Operators allowed everywhere, bar open, ready, joined to the campaign.</summary>
    public async Task<List<(string Id, string UserName, HttpClient Client)>> OperatorsAsync(int campaignId, int count)
    {
        var ops = new List<(string, string, HttpClient)>();
        for (var i = 0; i < count; i++)
        {
            var (id, name) = await Campaigns.CreateOperatorAsync();
            var client = await Campaigns.ClientAsync(name);
            await OkAsync<PhoneBarDto>(await client.PostAsJsonAsync("/api/v1/phone-bar/open", new { extension = "10" + i + Unique()[..3] }));
            await OkAsync<PhoneBarDto>(await client.PostAsJsonAsync("/api/v1/phone-bar/state", new { state = "ready" }));
            var join = await client.PostAsync($"/api/v1/campaigns/{campaignId}/dialer/join", null);
            Assert.True(join.IsSuccessStatusCode, await join.Content.ReadAsStringAsync());
            ops.Add((id, name, client));
        }
        return ops;
    }

    public async Task<DialerStatusDto> StartAsync(int campaignId) =>
        await OkAsync<DialerStatusDto>(await admin.PostAsync($"/api/v1/campaigns/{campaignId}/dialer/start", null));

    public async Task<DialerStatusDto> StopAsync(int campaignId) =>
        await OkAsync<DialerStatusDto>(await admin.PostAsync($"/api/v1/campaigns/{campaignId}/dialer/stop", null));

    public async Task<DialerStatusDto> StatusAsync(int campaignId) =>
        (await admin.GetFromJsonAsync<DialerStatusDto>($"/api/v1/campaigns/{campaignId}/dialer"))!;

    /// <summary>Polls the dialer's status until it holds for <paramref name="hold"/> (up to 20 s).</summary>
    public async Task<DialerStatusDto> WaitForStatusAsync(int campaignId, string hold)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        DialerStatusDto status;
        while ((status = await StatusAsync(campaignId)).Hold != hold)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"dialer status stayed {status.Hold} ({status.HoldMessage}), expected {hold}");
            await Task.Delay(50);
        }
        return status;
    }

    public Task<List<DialerCall>> CallsAsync(int campaignId) =>
        WithDbAsync(db => db.DialerCalls().AsNoTracking().Where(d => d.CampaignId == campaignId).OrderBy(d => d.Id).ToListAsync());

    /// <summary>Polls (every 50 ms, up to 30 s: a loaded CI machine) until the condition holds on the campaign's dialer calls.</summary>
    public async Task<List<DialerCall>> WaitForCallsAsync(int campaignId, Func<List<DialerCall>, bool> done, string what, double seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var calls = await CallsAsync(campaignId);
            if (done(calls)) return calls;
            if (DateTime.UtcNow > until)
            {
                var runner = await WithDbAsync(db => db.DialerRunnerStates().AsNoTracking().FirstOrDefaultAsync(s => s.CampaignId == campaignId));
                throw new TimeoutException($"{what}: {calls.Count} calls: " + string.Join(", ", calls.Select(c => $"{c.EntryId}:{c.State}/{c.Result}"))
                    + $"; runner: {runner?.Hold} {runner?.HoldMessage} level {runner?.DialLevel} ready {runner?.OperatorsReady}/{runner?.OperatorsLoggedIn} at {runner?.HeartbeatAt:O}");
            }
            await Task.Delay(50);
        }
    }

    public async Task WithDbAsync(Func<SchedarioDb, Task> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<SchedarioDb>());
    }

    public async Task<T> WithDbAsync<T>(Func<SchedarioDb, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<SchedarioDb>());
    }
}
