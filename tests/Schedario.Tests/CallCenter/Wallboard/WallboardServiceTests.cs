using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Campaigns;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.CallCenter.Wallboard;
using Schedario.Web.Identity;
using static Schedario.Web.CallCenter.Dialer.DialerCallResult;

namespace Schedario.Tests.CallCenter.Wallboard;

/// <summary>
/// The wallboard's figures from rows written the way the dialer, the phone bar and the desk write them:
/// abandon rate = abandoned ÷ answered by a person over the last hour and over each kind of window,
/// machines apart; the cached part of a window moving with the clock; why a campaign is not dialing;
/// operators by state with time in state; contacts and positives per hour; the forecast; who may read it.
/// </summary>
public abstract class WallboardServiceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;

    static readonly TimeSpan Min = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Abandon_rate_is_abandoned_over_answered_by_a_person_with_machines_apart_now_and_over_the_day()
    {
        var kit = new WallboardKit(App);
        var (c, entry) = await kit.CampaignAsync(AbandonWindow.Day, limit: 3);
        // Last hour: 2 abandoned, 18 talked, 5 machines, 10 never answered.
        await kit.EndedCallsAsync(c, entry, Abandoned, 2, 10 * Min);
        await kit.EndedCallsAsync(c, entry, Talked, 18, 20 * Min);
        await kit.EndedCallsAsync(c, entry, Machine, 5, 30 * Min);
        await kit.EndedCallsAsync(c, entry, NoAnswer, 10, null, placedAgo: 15 * Min);
        // Earlier today: 0 abandoned of 60 (and 7 machines); yesterday does not count in a day window.
        await kit.EndedCallsAsync(c, entry, Talked, 60, TimeSpan.FromHours(3));
        await kit.EndedCallsAsync(c, entry, Machine, 7, TimeSpan.FromHours(3));
        await kit.EndedCallsAsync(c, entry, Abandoned, 9, TimeSpan.FromHours(13));

        var row = await kit.CampaignAsync(c.Id);
        Assert.Equal(new WallboardAbandon(2, 20, 5, 10.0, true), row.AbandonNow);
        Assert.Equal(new WallboardAbandon(2, 80, 12, 2.5, false), row.AbandonWindow);
        Assert.Equal("Day", row.AbandonWindowName);
        Assert.Equal(3, row.AbandonLimitPercent);

        // In flight: a person waiting for an operator already counts as answered by a person.
        var more = await kit.EntriesAsync(c.Id, 1);
        await kit.InFlightAsync(c, more[0], DialerCallState.Waiting);
        row = await kit.CampaignAsync(c.Id);
        Assert.Equal(21, row.AbandonNow.AnsweredByPerson);
        Assert.Equal(81, row.AbandonWindow.AnsweredByPerson);
    }

    [Theory]
    [InlineData(AbandonWindow.Rolling24h, 2, 20)]
    [InlineData(AbandonWindow.Days30, 4, 40)]
    [InlineData(AbandonWindow.Campaign, 5, 50)]
    public async Task Each_window_counts_its_own_span(AbandonWindow window, int abandoned, int person)
    {
        var kit = new WallboardKit(App);
        var (c, entry) = await kit.CampaignAsync(window);
        // 1 of 10 in the last hour; 1 of 10 yesterday afternoon (20 h ago); 1 of 10 ten days ago; 1 of 10 forty days ago.
        foreach (var ago in new[] { 30 * Min, TimeSpan.FromHours(20), TimeSpan.FromDays(10), TimeSpan.FromDays(40) })
        {
            await kit.EndedCallsAsync(c, entry, Abandoned, 1, ago);
            await kit.EndedCallsAsync(c, entry, Talked, 9, ago);
        }
        // 25 h ago: outside a rolling day only.
        await kit.EndedCallsAsync(c, entry, Abandoned, 1, TimeSpan.FromHours(25));
        await kit.EndedCallsAsync(c, entry, Talked, 9, TimeSpan.FromHours(25));

        var row = await kit.CampaignAsync(c.Id);
        Assert.Equal(1, row.AbandonNow.Abandoned);
        Assert.Equal(10, row.AbandonNow.AnsweredByPerson);
        Assert.Equal((abandoned, person), (row.AbandonWindow.Abandoned, row.AbandonWindow.AnsweredByPerson));
        Assert.Equal(window.ToString(), row.AbandonWindowName);
    }

    [Fact]
    public async Task The_cached_part_of_a_rolling_window_moves_with_the_clock()
    {
        var kit = new WallboardKit(App);
        var (c, entry) = await kit.CampaignAsync(AbandonWindow.Rolling24h);
        // Just inside the window's start, and 61 minutes ago (in the window, no longer in the last hour).
        await kit.EndedCallsAsync(c, entry, Abandoned, 1, TimeSpan.FromHours(24) - 20 * TimeSpan.FromSeconds(1));
        await kit.EndedCallsAsync(c, entry, Talked, 4, 61 * Min);
        await kit.EndedCallsAsync(c, entry, Talked, 5, 59 * Min);
        var row = await kit.CampaignAsync(c.Id);
        Assert.Equal((1, 10), (row.AbandonWindow.Abandoned, row.AbandonWindow.AnsweredByPerson));
        Assert.Equal((0, 5), (row.AbandonNow.Abandoned, row.AbandonNow.AnsweredByPerson));

        // Two minutes on: the oldest call left the window, the 59-minute-old calls left the last hour, a new abandon came in.
        kit.Clock.Advance(2 * Min);
        await kit.EndedCallsAsync(c, entry, Abandoned, 1, TimeSpan.FromSeconds(5));
        row = await kit.CampaignAsync(c.Id);
        Assert.Equal((1, 10), (row.AbandonWindow.Abandoned, row.AbandonWindow.AnsweredByPerson));
        Assert.Equal((1, 1), (row.AbandonNow.Abandoned, row.AbandonNow.AnsweredByPerson));

        // Another hour: everything so far is in the cached part, still counted once.
        kit.Clock.Advance(TimeSpan.FromHours(1));
        row = await kit.CampaignAsync(c.Id);
        Assert.Equal((1, 10), (row.AbandonWindow.Abandoned, row.AbandonWindow.AnsweredByPerson));
        Assert.Equal((0, 0), (row.AbandonNow.Abandoned, row.AbandonNow.AnsweredByPerson));
        Assert.Null(row.AbandonNow.RatePercent);
        // And a fresh cache agrees with the one moved forward step by step.
        var fresh = new WallboardKit(App);
        fresh.Clock.Advance(kit.Now - fresh.Now);
        Assert.Equal(row.AbandonWindow, (await fresh.CampaignAsync(c.Id)).AbandonWindow);
    }

    [Fact]
    public async Task A_campaign_says_why_it_is_not_dialing()
    {
        var kit = new WallboardKit(App);
        var (stopped, _) = await kit.CampaignAsync(active: false);
        await kit.RunnerAsync(stopped, TimeSpan.FromMinutes(30));
        var (noRunner, _) = await kit.CampaignAsync();
        var (stale, _) = await kit.CampaignAsync();
        await kit.RunnerAsync(stale, TimeSpan.FromSeconds(30));
        var (held, _) = await kit.CampaignAsync();
        await kit.RunnerAsync(held, TimeSpan.FromSeconds(1), "OutsideCallingHours", "Fuori orario: si chiama dalle 09:00 alle 18:00.");
        var (heldNoText, _) = await kit.CampaignAsync();
        await kit.RunnerAsync(heldNoText, TimeSpan.FromSeconds(1), "NoReadyOperators");
        var (dialing, _) = await kit.CampaignAsync();
        await kit.RunnerAsync(dialing, TimeSpan.FromSeconds(2), "LinesFull", level: 2.4);
        // Started, then stopped by a supervisor: not to be confused with one never started.
        var (stoppedLater, _) = await kit.CampaignAsync();
        await kit.WithDbAsync(db => db.Campaigns().Where(x => x.Id == stoppedLater.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.DialerActive, false)));
        await kit.RunnerAsync(stoppedLater, TimeSpan.FromSeconds(1), "Stopped", "Composizione automatica ferma: avviarla dalla campagna.");

        var board = await kit.SnapshotAsync();
        WallboardCampaignDto Row(int id) => board.Campaigns.Single(x => x.Id == id);

        Assert.Equal("NotStarted", Row(stopped.Id).Hold);
        Assert.Contains("non avviato", Row(stopped.Id).HoldMessage);
        Assert.False(Row(stopped.Id).Dialing);
        Assert.Equal("Stopped", Row(stoppedLater.Id).Hold);
        Assert.Contains("fermato", Row(stoppedLater.Id).HoldMessage);
        Assert.False(Row(stoppedLater.Id).Dialing);

        Assert.Equal("NotRunning", Row(noRunner.Id).Hold);
        Assert.False(Row(noRunner.Id).Running);

        var s = Row(stale.Id);
        Assert.False(s.Running);
        Assert.Equal("NotRunning", s.Hold);
        Assert.Contains("nodo-a", s.HoldMessage);
        Assert.Contains("30 s", s.HoldMessage);
        Assert.Equal(0, s.DialLevel);

        var h = Row(held.Id);
        Assert.True(h.Running);
        Assert.False(h.Dialing);
        Assert.Equal("OutsideCallingHours", h.Hold);
        Assert.Equal("Fuori orario: si chiama dalle 09:00 alle 18:00.", h.HoldMessage);
        Assert.Equal("Nessun operatore pronto: tutti in pausa, al telefono o in chiusura.", Row(heldNoText.Id).HoldMessage);

        var d = Row(dialing.Id);
        Assert.True(d.Running);
        Assert.True(d.Dialing);
        Assert.Null(d.Hold);
        Assert.Null(d.HoldMessage);
        Assert.Equal(2.4, d.DialLevel);
        Assert.Equal("nodo-a", d.NodeId);

        // The runner stops beating: ten seconds later the wallboard says so.
        kit.Clock.Advance(TimeSpan.FromSeconds(11));
        d = (await kit.SnapshotAsync()).Campaigns.Single(x => x.Id == dialing.Id);
        Assert.False(d.Running);
        Assert.Equal("NotRunning", d.Hold);
    }

    [Fact]
    public async Task Operators_are_listed_by_state_with_time_in_state_and_the_campaign_they_joined()
    {
        var kit = new WallboardKit(App);
        var (c, entry) = await kit.CampaignAsync();
        var talking = await kit.PresenceAsync(OperatorState.OnCall, TimeSpan.FromSeconds(95), c.Id);
        var ready = await kit.PresenceAsync(OperatorState.Ready, TimeSpan.FromSeconds(12), c.Id);
        var paused = await kit.PresenceAsync(OperatorState.Paused, TimeSpan.FromMinutes(7), pauseReason: "Pranzo");
        var wrap = await kit.PresenceAsync(OperatorState.WrapUp, TimeSpan.FromSeconds(4), c.Id);
        var gone = await kit.PresenceAsync(OperatorState.Ready, TimeSpan.FromMinutes(3), c.Id, barOpen: false);
        await kit.InFlightAsync(c, (await kit.EntriesAsync(c.Id, 1))[0], DialerCallState.Ringing);
        await kit.InFlightAsync(c, (await kit.EntriesAsync(c.Id, 1))[0], DialerCallState.Placing);
        await kit.InFlightAsync(c, (await kit.EntriesAsync(c.Id, 1))[0], DialerCallState.Waiting);
        await kit.InFlightAsync(c, (await kit.EntriesAsync(c.Id, 1))[0], DialerCallState.Connected);

        var board = await kit.SnapshotAsync();
        var mine = board.Operators.Where(o => new[] { talking, ready, paused, wrap, gone }.Contains(o.UserId)).ToList();
        // On a call first, then wrap-up, ready, paused; a closed bar is not logged in.
        Assert.Equal(new[] { talking, wrap, ready, paused }, mine.Select(o => o.UserId));
        Assert.Equal(95, mine[0].SecondsInState);
        Assert.Equal(c.Code, mine[0].CampaignCode);
        Assert.Equal(c.Id, mine[0].CampaignId);
        Assert.Equal("Pranzo", mine[3].PauseReason);
        Assert.Equal(420, mine[3].SecondsInState);
        Assert.Null(mine[3].CampaignCode);

        var row = board.Campaigns.Single(x => x.Id == c.Id);
        Assert.Equal((2, 1, 1), (row.Ringing, row.Waiting, row.Talking));
        Assert.Equal((1, 3), (row.OperatorsReady, row.OperatorsLoggedIn));
        Assert.True(board.Totals.CallsRinging >= 2 && board.Totals.CallsTalking >= 1 && board.Totals.OnCall >= 1 && board.Totals.Paused >= 1);

        kit.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(100, (await kit.SnapshotAsync()).Operators.Single(o => o.UserId == talking).SecondsInState);
    }

    [Fact]
    public async Task Contacts_and_positives_per_hour_come_from_the_closed_calls()
    {
        var kit = new WallboardKit(App);
        var (c, entry) = await kit.CampaignAsync();
        // Last hour: a sale, an appointment, a refusal (contacts), an unanswered call (not a contact).
        await kit.ClosedCallAsync(c, entry, "ADESIONE", 5 * Min);
        await kit.ClosedCallAsync(c, entry, "APPUNTAMENTO", 15 * Min);
        await kit.ClosedCallAsync(c, entry, "NON INTERESSATO", 25 * Min);
        await kit.ClosedCallAsync(c, entry, "NON RISPONDE", 35 * Min);
        // Earlier today (the first call 4 hours ago), and yesterday.
        await kit.ClosedCallAsync(c, entry, "NON INTERESSATO", TimeSpan.FromHours(4));
        await kit.ClosedCallAsync(c, entry, "ADESIONE", TimeSpan.FromHours(2));
        await kit.ClosedCallAsync(c, entry, "ADESIONE", TimeSpan.FromHours(14));

        var o = (await kit.CampaignAsync(c.Id)).Outcomes;
        Assert.Equal((4, 3, 2), (o.CallsLastHour, o.ContactsLastHour, o.PositivesLastHour));
        Assert.Equal((6, 5, 3), (o.CallsToday, o.ContactsToday, o.PositivesToday));
        Assert.Equal(1.2, o.ContactsPerHourToday); // 5 contacts over the 4 hours since the day's first call
        Assert.Equal(0.8, o.PositivesPerHourToday);

        // A call closed later is read by id, once.
        kit.Clock.Advance(Min);
        await kit.ClosedCallAsync(c, entry, "ADESIONE", TimeSpan.FromSeconds(10));
        o = (await kit.CampaignAsync(c.Id)).Outcomes;
        Assert.Equal((5, 4, 3), (o.CallsLastHour, o.ContactsLastHour, o.PositivesLastHour));
        o = (await kit.CampaignAsync(c.Id)).Outcomes;
        Assert.Equal(7, o.CallsToday);
    }

    [Fact]
    public async Task The_forecast_uses_the_operators_logged_in_and_the_names_left()
    {
        var kit = new WallboardKit(App);
        var (c, _) = await kit.CampaignAsync(names: 120);
        await kit.RunnerAsync(c, TimeSpan.FromSeconds(1), learned: 0.3);
        var none = (await kit.CampaignAsync(c.Id)).Forecast!;
        Assert.Null(none.EndsAt);
        Assert.Equal(121, none.RemainingNames);
        Assert.Contains("Nessun operatore", none.Message);

        await kit.PresenceAsync(OperatorState.Ready, Min, c.Id);
        await kit.PresenceAsync(OperatorState.OnCall, Min, c.Id);
        kit.Clock.Advance(TimeSpan.FromSeconds(11));
        var f = (await kit.CampaignAsync(c.Id)).Forecast!;
        Assert.Equal(2, f.Operators);
        Assert.Null(f.Message);
        Assert.NotNull(f.EndsAt);
        Assert.True(f.EndsAt > kit.Now && f.CallingHours > 0 && f.AttemptsPerHour > 0, $"{f}");
        // Within today's calling hours (until 18:00) or on a later day, never at night.
        var end = f.EndsAt!.Value;
        Assert.InRange(end.TimeOfDay, new TimeSpan(9, 0, 0), new TimeSpan(18, 0, 0));

        // Cached: the same answer for the next 45 s.
        kit.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(f.ComputedAt, (await kit.CampaignAsync(c.Id)).Forecast!.ComputedAt);

        // Aged: the old one is shown at once while the new one is computed in the background.
        kit.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(f.ComputedAt, (await kit.CampaignAsync(c.Id)).Forecast!.ComputedAt);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        WallboardForecastDto g;
        while ((g = (await kit.CampaignAsync(c.Id)).Forecast!).ComputedAt == f.ComputedAt && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(kit.Now, g.ComputedAt);
        Assert.Equal(f.RemainingNames, g.RemainingNames);
    }

    [Fact]
    public async Task Inbound_calls_ringing_and_talking_are_counted()
    {
        var kit = new WallboardKit(App);
        var before = (await kit.SnapshotAsync()).Inbound;
        await kit.WithDbAsync(db =>
        {
            foreach (var (state, dir) in new[] { (TelephonyCallState.Ringing, CallDirection.Inbound), (TelephonyCallState.Ringing, CallDirection.Inbound),
                         (TelephonyCallState.Answered, CallDirection.Inbound), (TelephonyCallState.Answered, CallDirection.Outbound), (TelephonyCallState.Ended, CallDirection.Inbound) })
                db.Add(new TelephonyCall
                {
                    Source = "test", ExternalId = "wb-" + WallboardKit.Unique(), Direction = dir, State = state, CallerNumber = "+390612345678",
                    RingAt = kit.Now.AddSeconds(-30), CreatedAt = kit.Now.AddSeconds(-30), UpdatedAt = kit.Now,
                });
            return Task.CompletedTask;
        });
        var after = (await kit.SnapshotAsync()).Inbound;
        Assert.Equal(before with { Ringing = before.Ringing + 2, Talking = before.Talking + 1 }, after);
    }

    [Fact]
    public async Task Supervisors_read_the_wallboard_and_operators_may_not()
    {
        var campaigns = new Schedario.Tests.Campaigns.CampaignKit(App);
        var (_, supervisor) = await campaigns.CreateOperatorAsync(Roles.Supervisor);
        var (_, op) = await campaigns.CreateOperatorAsync(Roles.Operator);
        using var sup = await campaigns.ClientAsync(supervisor);
        using var opClient = await campaigns.ClientAsync(op);
        var board = await sup.GetFromJsonAsync<WallboardDto>("/api/v1/wallboard");
        Assert.NotNull(board);
        Assert.NotNull(board.Totals);
        Assert.Equal(HttpStatusCode.Forbidden, (await opClient.GetAsync("/api/v1/wallboard")).StatusCode);
        using var anonymous = App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/wallboard")).StatusCode);
    }
}

public sealed class WallboardServiceTests_Sqlite(SqliteAppFixture f) : WallboardServiceTests<SqliteAppFixture>(f);
public sealed class WallboardServiceTests_Postgres(PostgresAppFixture f) : WallboardServiceTests<PostgresAppFixture>(f);
