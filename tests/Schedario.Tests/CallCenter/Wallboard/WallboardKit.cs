using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Wallboard;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Registry;

namespace Schedario.Tests.CallCenter.Wallboard;

/// <summary>
/// Writes the rows the wallboard reads (campaigns, entries, dialer calls, runner states, closed calls,
/// presence) straight into the database, and reads the wallboard on a virtual clock with a cache of its own,
/// so each test sees exactly its figures however many other tests share the database. With
/// <paramref name="realClock"/> (browser tests) the rows are written at the real time instead.
/// </summary>
public sealed class WallboardKit(SchedarioAppFactory app, TimeProvider? realClock = null)
{
    /// <summary>A Wednesday noon (UTC; the fake clock's local time zone is UTC): every window and calling day is predictable.</summary>
    public static readonly DateTimeOffset Noon = new(2031, 3, 12, 12, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Noon);
    public WallboardCache Cache { get; } = new();
    public DateTime Now => (realClock ?? Clock).GetUtcNow().UtcDateTime;

    public static string Unique() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public async Task<WallboardDto> SnapshotAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        return await new WallboardService(db, realClock ?? Clock, Cache).SnapshotAsync();
    }

    public async Task<WallboardCampaignDto> CampaignAsync(int id) =>
        (await SnapshotAsync()).Campaigns.Single(c => c.Id == id);

    public async Task WithDbAsync(Func<SchedarioDb, Task> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        await work(db);
        await db.SaveChangesAsync();
    }

    /// <summary>A campaign with one entry (for ended dialer calls) and <paramref name="names"/> more names to call.</summary>
    public async Task<(Campaign Campaign, long EntryId)> CampaignAsync(
        AbandonWindow window = AbandonWindow.Day, double limit = 3, bool active = true, DialMode mode = DialMode.Predictive, int names = 0)
    {
        Campaign campaign = null!;
        long entryId = 0;
        await WithDbAsync(async db =>
        {
            var type = new CampaignType { Code = "W" + Unique(), Name = "Wallboard" };
            db.Add(type);
            await db.SaveChangesAsync();
            var code = "WB" + Unique();
            campaign = new Campaign
            {
                Code = code, Name = "Campagna " + code, TypeId = type.Id, StartDate = new DateOnly(2031, 1, 1), EndDate = new DateOnly(2031, 12, 31),
                DialMode = mode, AbandonWindow = window, AbandonLimitPercent = limit, DialerActive = active, DialerStartedAt = active ? Now.AddHours(-4) : null,
                CallingDays = CallingDays.All, CallFrom = new TimeOnly(9, 0), CallTo = new TimeOnly(18, 0), MaxAttempts = 3,
                CreatedAt = Now, CreatedBy = "test",
            };
            db.Add(campaign);
            await db.SaveChangesAsync();
            var ids = await EntriesAsync(db, campaign.Id, names + 1);
            entryId = ids[0];
        });
        return (campaign, entryId);
    }

    public async Task<List<long>> EntriesAsync(int campaignId, int count)
    {
        List<long> ids = [];
        await WithDbAsync(async db => ids = await EntriesAsync(db, campaignId, count));
        return ids;
    }

    async Task<List<long>> EntriesAsync(SchedarioDb db, int campaignId, int count)
    {
        var entries = new List<CampaignEntry>();
        for (var i = 0; i < count; i++)
        {
            var last = "Wb" + Unique();
            var c = new Customer
            {
                Kind = CustomerKind.Person, Stage = LifecycleStage.Lead, FirstName = "Anna", LastName = last, DisplayName = $"{last} Anna",
                SearchName = $"{last.ToLowerInvariant()} anna", SearchNameAlt = $"anna {last.ToLowerInvariant()}", City = "Roma", Province = "RM",
                MainPhone = "+39333" + Random.Shared.Next(1_000_000, 9_999_999), CreatedAt = Now, CreatedBy = "test", UpdatedAt = Now, UpdatedBy = "test",
            };
            db.Add(c);
            var e = new CampaignEntry { CampaignId = campaignId, CustomerId = c.Id, State = EntryState.ToCall, CreatedAt = Now };
            db.Add(e);
            entries.Add(e);
        }
        await db.SaveChangesAsync();
        return entries.Select(e => e.Id).ToList();
    }

    /// <summary>Ended dialer calls answered <paramref name="answeredAgo"/> ago (null: never answered).</summary>
    public Task EndedCallsAsync(Campaign c, long entryId, DialerCallResult result, int count, TimeSpan? answeredAgo, TimeSpan? placedAgo = null) =>
        WithDbAsync(db =>
        {
            for (var i = 0; i < count; i++)
            {
                var placed = Now - (placedAgo ?? answeredAgo ?? TimeSpan.FromMinutes(5)) - TimeSpan.FromSeconds(10);
                db.Add(new DialerCall
                {
                    CampaignId = c.Id, EntryId = entryId, CustomerId = Guid.Empty, Number = "+39333" + Random.Shared.Next(1_000_000, 9_999_999),
                    State = DialerCallState.Ended, Result = result, NodeId = "test", PlacedAt = placed,
                    AnsweredAt = answeredAgo is { } a ? Now - a : null, EndedAt = Now - (answeredAgo ?? TimeSpan.Zero) + TimeSpan.FromSeconds(30),
                });
            }
            return Task.CompletedTask;
        });

    public Task InFlightAsync(Campaign c, long entryId, DialerCallState state) => WithDbAsync(db =>
    {
        db.Add(new DialerCall
        {
            CampaignId = c.Id, EntryId = entryId, CustomerId = Guid.Empty, Number = "+39333" + Random.Shared.Next(1_000_000, 9_999_999),
            State = state, Result = DialerCallResult.None, NodeId = "test", PlacedAt = Now.AddSeconds(-20),
            AnsweredAt = state is DialerCallState.Waiting or DialerCallState.Connected ? Now.AddSeconds(-5) : null,
            ConnectedAt = state == DialerCallState.Connected ? Now.AddSeconds(-4) : null,
        });
        return Task.CompletedTask;
    });

    public Task RunnerAsync(Campaign c, TimeSpan heartbeatAgo, string hold = "None", string? message = null, double level = 1.8, double learned = 0.25) =>
        WithDbAsync(async db =>
        {
            var r = await db.DialerRunnerStates().FirstOrDefaultAsync(x => x.CampaignId == c.Id);
            if (r is null) db.Add(r = new DialerRunnerState { CampaignId = c.Id });
            r.NodeId = "nodo-a";
            r.HeartbeatAt = Now - heartbeatAgo;
            r.Hold = hold;
            r.HoldMessage = message;
            r.DialLevel = level;
            r.LearnedAnswerRate = learned;
        });

    /// <summary>A closed call with the outcome of <paramref name="outcomeCode"/>, ended <paramref name="endedAgo"/> ago.</summary>
    public Task ClosedCallAsync(Campaign c, long entryId, string outcomeCode, TimeSpan endedAgo) => WithDbAsync(async db =>
    {
        var outcome = await db.Outcomes().AsNoTracking().SingleAsync(o => o.Code == outcomeCode);
        var customer = await db.CampaignEntries().Where(e => e.Id == entryId).Select(e => e.CustomerId).SingleAsync();
        db.Add(new Call
        {
            CampaignId = c.Id, EntryId = entryId, CustomerId = customer, OperatorUserId = "x", OperatorName = "Collega",
            StartedAt = Now - endedAgo - TimeSpan.FromMinutes(2), EndedAt = Now - endedAgo, DurationSeconds = 120, OutcomeId = outcome.Id, OutcomeCode = outcome.Code,
        });
    });

    public Task<string> PresenceAsync(OperatorState state, TimeSpan inStateFor, int? campaignId = null, bool barOpen = true, string? pauseReason = null) =>
        PresenceAsync("wb" + Unique().ToLowerInvariant(), state, inStateFor, campaignId, barOpen, pauseReason);

    public async Task<string> PresenceAsync(string userId, OperatorState state, TimeSpan inStateFor, int? campaignId = null, bool barOpen = true, string? pauseReason = null)
    {
        await WithDbAsync(async db =>
        {
            var p = await db.OperatorPresence().FirstOrDefaultAsync(x => x.UserId == userId);
            if (p is null) db.Add(p = new OperatorPresence { UserId = userId, UserName = userId, IdleSince = Now });
            p.State = state;
            p.PauseReason = pauseReason;
            p.StateSince = Now - inStateFor;
            p.BarOpenUntil = barOpen ? Now.AddMinutes(10) : Now.AddSeconds(-5); // the bar beating all along
            p.DialerCampaignId = campaignId;
        });
        return userId;
    }
}
