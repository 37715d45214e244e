using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Campaigns;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Compliance;
using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.CallCenter.Dialer.Service;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Campaigns;
using static Schedario.Tests.Access.AccessKit;
using static Schedario.Tests.CallCenter.Inbound.InboundKit;

namespace Schedario.Tests.CallCenter.Dialer.Service;

/// <summary>
/// The server-side dialer against the simulated PBX, through the API an agency uses: it dials only names it
/// may, connects answered people to ready operators with the record, abandons with the message when no one
/// is free, and stops at the gates (calling hours, register check, preview mode).
/// </summary>
public abstract class DialerServiceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : DialerFixture
{
    async Task<DialerKit> KitAsync() => new(fixture.Factory, await fixture.Factory.CreateAdminClientAsync());

    [Fact]
    public async Task Answered_calls_reach_ready_operators_with_the_record_and_closing_the_name_frees_them()
    {
        var kit = await KitAsync();
        await kit.RegisterCheckedAsync();
        var campaign = await kit.CampaignAsync(mode: "power", lines: 1);
        var names = await kit.NamesAsync(campaign.Id, 2, SimulatedOutcome.Answer);
        var ops = await kit.OperatorsAsync(campaign.Id, 2);

        var status = await kit.StartAsync(campaign.Id);
        Assert.True(status.Active);
        var calls = await kit.WaitForCallsAsync(campaign.Id, c => c.Count(x => x.State == DialerCallState.Connected) == 2, "both connected");
        Assert.Equal(names.Select(n => n.EntryId).Order(), calls.Select(c => c.EntryId).Order());
        Assert.Equal(ops.Select(o => o.Id).Order(), calls.Select(c => c.OperatorUserId!).Order());

        foreach (var op in ops)
        {
            var bar = await BarAsync(op.Client);
            Assert.Equal("OnCall", bar.State);
            var mine = calls.Single(c => c.OperatorUserId == op.Id);
            // The record is on the operator's screen: the bar names it and the desk holds its lease.
            Assert.Equal(mine.CustomerId, bar.CustomerId);
            var entry = await kit.WithDbAsync(db => db.CampaignEntries().AsNoTracking().SingleAsync(e => e.Id == mine.EntryId));
            Assert.Equal(op.Id, entry.LeaseHolder);
        }

        // First operator: hangs up (wrap-up until the name is closed), then closes it on the desk.
        var first = ops[0];
        var firstCall = calls.Single(c => c.OperatorUserId == first.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await first.Client.PostAsync("/api/v1/phone-bar/hangup", null)).StatusCode);
        await WaitForAsync(first.Client, "WrapUp");
        var learner = fixture.Factory.Services.GetRequiredService<DialerService>().LearnerOf(campaign.Id);
        Assert.NotNull(learner);
        Assert.Equal(0, learner.WrapUpsLearned);
        var wrapUp = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(300); // a few of the runner's 50 ms looks see the operator in wrap-up
        var close = await first.Client.PostAsJsonAsync($"/api/v1/campaign-entries/{firstCall.EntryId}/close", new { outcomeCode = "NON INTERESSATO" });
        Assert.True(close.IsSuccessStatusCode, await close.Content.ReadAsStringAsync());
        await WaitForAsync(first.Client, "Ready");
        // The runner learned how long that wrap-up took (the pacer plans the next calls on it): one more
        // sample, far under the 15 s it assumes before it has seen any.
        for (var i = 0; i < 100 && learner.WrapUpsLearned == 0; i++) await Task.Delay(50);
        Assert.Equal(1, learner.WrapUpsLearned);
        Assert.True(learner.MeanWrapUp < 15, $"learned wrap-up mean {learner.MeanWrapUp:0.0} s after one of at most {wrapUp.Elapsed.TotalSeconds:0.0} s");
        var ended = await kit.WaitForCallsAsync(campaign.Id, c => c.Any(x => x.Id == firstCall.Id && x.State == DialerCallState.Ended), "talked call ended");
        Assert.Equal(DialerCallResult.Talked, ended.Single(x => x.Id == firstCall.Id).Result);

        await kit.StopAsync(campaign.Id);
        Assert.False((await kit.StatusAsync(campaign.Id)).Active);
        await ops[1].Client.PostAsync("/api/v1/phone-bar/hangup", null);

        // Started again (tomorrow morning, or on another node): the new runner starts from the campaign's
        // history, wrap-ups included (the talk's end to the desk's close), not from its priors.
        var dialer = fixture.Factory.Services.GetRequiredService<DialerService>();
        for (var i = 0; i < 200 && dialer.RunningCampaigns.Contains(campaign.Id); i++) await Task.Delay(50);
        Assert.DoesNotContain(campaign.Id, dialer.RunningCampaigns);
        await kit.StartAsync(campaign.Id);
        DialerStats? warmed = null;
        for (var i = 0; i < 200 && (warmed is null || warmed.WrapUpsLearned == 0); i++)
        {
            await Task.Delay(50);
            warmed = dialer.LearnerOf(campaign.Id);
        }
        Assert.NotNull(warmed);
        Assert.Equal(1, warmed.WrapUpsLearned);
        Assert.True(warmed.TalksLearned >= 1);
        await kit.StopAsync(campaign.Id);
    }

    [Fact]
    public async Task Numbers_on_the_do_not_call_list_or_the_register_and_names_out_of_attempts_or_delayed_are_never_dialed()
    {
        var kit = await KitAsync();
        await kit.RegisterCheckedAsync();
        var campaign = await kit.CampaignAsync(mode: "power", lines: 3, maxAttempts: 2);
        var names = await kit.NamesAsync(campaign.Id, 8, SimulatedOutcome.NoAnswer);
        // 0: opted out, 1: on the opposition register, 2: attempts used, 3: retry delay not over; 4–7 may be dialed.
        await kit.WithDbAsync(async db =>
        {
            db.AddRange(
                new DoNotCallNumber { Number = names[0].Phone, Source = DoNotCallSource.OptOut, AddedAt = DateTime.UtcNow, AddedBy = "test" },
                new DoNotCallNumber { Number = names[1].Phone, Source = DoNotCallSource.Register, AddedAt = DateTime.UtcNow, AddedBy = "test" });
            await db.SaveChangesAsync();
            await db.CampaignEntries().Where(e => e.Id == names[2].EntryId).ExecuteUpdateAsync(u => u.SetProperty(e => e.Attempts, 2));
            await db.CampaignEntries().Where(e => e.Id == names[3].EntryId).ExecuteUpdateAsync(u => u.SetProperty(e => e.NextCallAt, DateTime.UtcNow.AddHours(1)));
        });
        await kit.OperatorsAsync(campaign.Id, 1);

        await kit.StartAsync(campaign.Id);
        var calls = await kit.WaitForCallsAsync(campaign.Id, c => c.Count(x => x.Result == DialerCallResult.NoAnswer) == 4, "the four dialable names rang out");
        // Nothing else gets dialed (no answer waits 120 minutes), and the status says the list is exhausted.
        var exhausted = await kit.WaitForStatusAsync(campaign.Id, "ListExhausted");
        Assert.Contains("Lista esaurita", exhausted.HoldMessage);
        calls = await kit.CallsAsync(campaign.Id);
        await kit.StopAsync(campaign.Id);

        Assert.Equal(names.Skip(4).Select(n => n.EntryId).Order(), calls.Select(c => c.EntryId).Order());
        Assert.DoesNotContain(calls, c => names.Take(4).Any(n => n.Phone == c.Number));
        var entries = await kit.WithDbAsync(db => db.CampaignEntries().AsNoTracking().Where(e => e.CampaignId == campaign.Id).ToListAsync());
        foreach (var n in names.Skip(4))
        {
            var e = entries.Single(x => x.Id == n.EntryId);
            Assert.Equal(1, e.Attempts);
            Assert.Null(e.LeaseHolder);
            Assert.True(e.NextCallAt > DateTime.UtcNow.AddMinutes(100), "NON RISPONDE retries after 120 minutes");
        }
        var logged = await kit.WithDbAsync(db => db.Calls().AsNoTracking().Where(c => c.CampaignId == campaign.Id).Select(c => c.OutcomeCode).ToListAsync());
        Assert.Equal(4, logged.Count(c => c == "NON RISPONDE"));
        var status = await kit.StatusAsync(campaign.Id);
        Assert.Equal("Stopped", status.Hold);
    }

    [Fact]
    public async Task A_person_answered_with_no_operator_free_hears_the_message_is_counted_abandoned_and_locked_out()
    {
        var kit = await KitAsync();
        await kit.RegisterCheckedAsync();
        // Three lines for one operator: two of the three people who answer find no one.
        var campaign = await kit.CampaignAsync(mode: "power", lines: 3, abandonAfter: 1, lockoutHours: 48);
        await kit.NamesAsync(campaign.Id, 3, SimulatedOutcome.Answer);
        var ops = await kit.OperatorsAsync(campaign.Id, 1);

        await kit.StartAsync(campaign.Id);
        var calls = await kit.WaitForCallsAsync(campaign.Id,
            c => c.Count(x => x.Result == DialerCallResult.Abandoned) == 2 && c.Count(x => x.State == DialerCallState.Connected) == 1, "one connected, two abandoned");
        await kit.StopAsync(campaign.Id);

        foreach (var abandoned in calls.Where(c => c.Result == DialerCallResult.Abandoned))
        {
            Assert.NotNull(abandoned.AnsweredAt);
            Assert.True((abandoned.EndedAt!.Value - abandoned.AnsweredAt!.Value).TotalSeconds >= 1, "the grace is waited");
            Assert.Equal("no-operator", abandoned.Cause);
            var entry = await kit.WithDbAsync(db => db.CampaignEntries().AsNoTracking().SingleAsync(e => e.Id == abandoned.EntryId));
            Assert.Equal(EntryState.ToCall, entry.State);
            Assert.True(entry.NextCallAt >= DateTime.UtcNow.AddHours(47), "the number is locked out for the campaign's hours");
            var telephony = await kit.WithDbAsync(db => db.TelephonyCalls().AsNoTracking().SingleAsync(t => t.ExternalId == abandoned.ExternalCallId));
            Assert.Equal("abandoned", telephony.Cause);
        }
        var outcomes = await kit.WithDbAsync(db => db.Calls().AsNoTracking().Where(c => c.CampaignId == campaign.Id).Select(c => c.OutcomeCode).ToListAsync());
        Assert.Equal(["ABBANDONATA", "ABBANDONATA"], outcomes);
        // The campaign's abandon rate: 2 of 3 answered by a person.
        var status = await kit.StatusAsync(campaign.Id);
        Assert.Equal(2.0 / 3, status.AbandonRateWindow, 3);
        await ops[0].Client.PostAsync("/api/v1/phone-bar/hangup", null);
    }

    [Fact]
    public async Task Calls_past_the_minimum_ring_that_no_operator_will_take_are_hung_up_as_a_no_answer_attempt()
    {
        var kit = await KitAsync();
        await kit.RegisterCheckedAsync();
        var campaign = await kit.CampaignAsync(mode: "predictive");
        Assert.Equal(DialerRules.DefaultHangUpAfterSeconds, campaign.Dialing!.HangUpAfterSeconds);
        var names = await kit.NamesAsync(campaign.Id, 3, SimulatedOutcome.NoAnswer);
        foreach (var n in names) kit.Pbx.SetOutcome(n.Phone, SimulatedOutcome.NoAnswer, afterSeconds: 120);
        var ops = await kit.OperatorsAsync(campaign.Id, 1);
        await kit.StartAsync(campaign.Id);
        var ringing = await kit.WaitForCallsAsync(campaign.Id, c => c.Any(x => x.State == DialerCallState.Ringing), "a call ringing");

        // A moment later they still ring: under the 15 s minimum (and an operator is ready for them).
        await Task.Delay(300);
        Assert.All(await kit.CallsAsync(campaign.Id), c => Assert.Equal(DialerCallState.Ringing, c.State));

        // The operator goes to lunch, and the calls have rung 20 s (the clock of the rows moved back instead
        // of waiting; the kit's 3 s "lost call" limit would settle them first): a person answering now would
        // find nobody, so the dialer hangs them up.
        using (kit.LostCallsAfter(120))
        {
            await OkAsync<PhoneBarDto>(await ops[0].Client.PostAsJsonAsync("/api/v1/phone-bar/state", new { state = "paused", pauseReason = "Pranzo" }));
            await kit.WithDbAsync(db => db.DialerCalls().Where(d => d.CampaignId == campaign.Id && d.State == DialerCallState.Ringing)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.PlacedAt, d => d.PlacedAt.AddSeconds(-20))));
            var ended = await kit.WaitForCallsAsync(campaign.Id, c => c.Count > 0 && c.All(x => x.State == DialerCallState.Ended), "calls hung up");
            foreach (var call in ended)
            {
                Assert.Equal((DialerCallResult.NoAnswer, CampaignDialer.HungUpCause), (call.Result, call.Cause));
                // A no-answer attempt on the name, logged with the outcome as the desk would.
                var entry = await kit.WithDbAsync(db => db.CampaignEntries().AsNoTracking().SingleAsync(e => e.Id == call.EntryId));
                Assert.Equal((1, (string?)null), (entry.Attempts, entry.LeaseHolder));
                var logged = await kit.WithDbAsync(db => db.Calls().AsNoTracking().SingleAsync(c => c.EntryId == call.EntryId));
                Assert.Equal("NON RISPONDE", logged.OutcomeCode);
                // The PBX's call was really ended, not left ringing.
                var pbx = await kit.WithDbAsync(db => db.TelephonyCalls().AsNoTracking().SingleAsync(t => t.ExternalId == call.ExternalCallId));
                Assert.Equal(TelephonyCallState.Ended, pbx.State);
            }
            var learner = fixture.Factory.Services.GetRequiredService<DialerService>().LearnerOf(campaign.Id);
            Assert.Equal(ended.Count, learner!.HangUpsLearned);
            // The supervisor's wallboard says how many calls the dialer ended unanswered today, and after how long.
            var admin = await fixture.Factory.CreateAdminClientAsync();
            Schedario.Web.CallCenter.Wallboard.WallboardCampaignDto? row = null;
            for (var i = 0; i < 100 && row?.HungUpToday != ended.Count; i++)
            {
                if (i > 0) await Task.Delay(50);
                var board = (await admin.GetFromJsonAsync<Schedario.Web.CallCenter.Wallboard.WallboardDto>("/api/v1/wallboard"))!;
                row = board.Campaigns.Single(c => c.Id == campaign.Id);
            }
            Assert.Equal((15, ended.Count), (row!.HangUpAfterSeconds, row.HungUpToday));
        }
        await kit.StopAsync(campaign.Id);
    }

    [Fact]
    public async Task A_person_who_answers_as_the_dialer_hangs_up_is_still_connected_not_lost()
    {
        var kit = await KitAsync();
        await kit.RegisterCheckedAsync();
        var campaign = await kit.CampaignAsync(mode: "predictive");
        var names = await kit.NamesAsync(campaign.Id, 1, SimulatedOutcome.Answer);
        kit.Pbx.SetOutcome(names[0].Phone, SimulatedOutcome.Answer, afterSeconds: 4);
        using var ringsLonger = kit.LostCallsAfter(60); // a 4 s ring is not a lost call
        var ops = await kit.OperatorsAsync(campaign.Id, 1);
        await kit.StartAsync(campaign.Id);
        var ringing = await kit.WaitForCallsAsync(campaign.Id, c => c.Any(x => x.State == DialerCallState.Ringing), "a call ringing");
        // The dialer has decided to hang it up (the request is on its way to the PBX) when the person picks up.
        var id = ringing.Single().Id;
        var marked = await kit.WithDbAsync(db => db.DialerCalls().Where(d => d.Id == id && d.State == DialerCallState.Ringing)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.State, DialerCallState.HangingUp)));
        Assert.Equal(1, marked); // still ringing when marked: the answer below comes to a call being hung up
        var connected = await kit.WaitForCallsAsync(campaign.Id, c => c.Single().State is DialerCallState.Connected or DialerCallState.Ended, "answered call settled");
        Assert.Equal((DialerCallState.Connected, ops[0].Id), (connected.Single().State, connected.Single().OperatorUserId));
        await kit.StopAsync(campaign.Id);
        await ops[0].Client.PostAsync("/api/v1/phone-bar/hangup", null);
    }

    [Fact]
    public async Task Answering_machines_are_hung_up_and_counted_apart_from_people()
    {
        var kit = await KitAsync();
        await kit.RegisterCheckedAsync();
        var campaign = await kit.CampaignAsync(mode: "power", lines: 2);
        await kit.NamesAsync(campaign.Id, 3, SimulatedOutcome.Machine);
        await kit.OperatorsAsync(campaign.Id, 1);

        await kit.StartAsync(campaign.Id);
        var calls = await kit.WaitForCallsAsync(campaign.Id, c => c.Count(x => x.Result == DialerCallResult.Machine) == 3, "three machines");
        await kit.StopAsync(campaign.Id);
        Assert.All(calls, c => Assert.Null(c.OperatorUserId));
        var outcomes = await kit.WithDbAsync(db => db.Calls().AsNoTracking().Where(c => c.CampaignId == campaign.Id).Select(c => c.OutcomeCode).ToListAsync());
        Assert.All(outcomes, o => Assert.Equal("SEGRETERIA", o));
        Assert.Equal(0, (await kit.StatusAsync(campaign.Id)).AbandonRateWindow);
    }

    [Fact]
    public async Task Outside_the_calling_hours_nothing_is_dialed_and_the_status_says_why()
    {
        var kit = await KitAsync();
        await kit.RegisterCheckedAsync();
        var local = TimeOnly.FromDateTime(DateTime.Now);
        var (from, to) = local.Hour < 12 ? (new TimeOnly(13, 0), new TimeOnly(14, 0)) : (new TimeOnly(6, 0), new TimeOnly(7, 0));
        var campaign = await kit.CampaignAsync(mode: "predictive", from: from, to: to);
        await kit.NamesAsync(campaign.Id, 3, SimulatedOutcome.Answer);
        await kit.OperatorsAsync(campaign.Id, 2);

        await kit.StartAsync(campaign.Id);
        var status = await kit.WaitForStatusAsync(campaign.Id, "OutsideCallingHours");
        await kit.StopAsync(campaign.Id);
        Assert.Equal("OutsideCallingHours", status.Hold);
        Assert.Contains($"{from:HH:mm}", status.HoldMessage);
        Assert.Empty(await kit.CallsAsync(campaign.Id));
    }

    [Fact]
    public async Task A_started_campaign_without_operators_dials_nothing_and_says_why()
    {
        var kit = await KitAsync();
        await kit.RegisterCheckedAsync();
        var campaign = await kit.CampaignAsync(mode: "predictive");
        await kit.NamesAsync(campaign.Id, 3, SimulatedOutcome.Answer);

        await kit.StartAsync(campaign.Id);
        var status = await kit.WaitForStatusAsync(campaign.Id, "NoOperatorsLoggedIn");
        Assert.True(status.Running);
        Assert.Contains("Nessun operatore", status.HoldMessage);
        Assert.Empty(await kit.CallsAsync(campaign.Id));

        // Operators who joined but paused are not counted either.
        var ops = await kit.OperatorsAsync(campaign.Id, 1);
        await OkAsync<PhoneBarDto>(await ops[0].Client.PostAsJsonAsync("/api/v1/phone-bar/state", new { state = "paused", pauseReason = "Pranzo" }));
        await Task.Delay(500);
        await kit.StopAsync(campaign.Id);
        Assert.DoesNotContain(await kit.CallsAsync(campaign.Id), c => c.OperatorUserId is not null);
    }

    [Fact]
    public async Task Preview_campaigns_and_bad_pacing_settings_are_refused_with_the_field_named()
    {
        var kit = await KitAsync();
        await kit.RegisterCheckedAsync();
        var admin = await fixture.Factory.CreateAdminClientAsync();
        var preview = await kit.CampaignAsync(mode: "preview");
        await CampaignKit.AssertRuleAsync(await admin.PostAsync($"/api/v1/campaigns/{preview.Id}/dialer/start", null), "dialer-preview-mode");

        var typeId = await CampaignKit.CreateTypeAsync(admin);
        var bad = await admin.PostAsJsonAsync("/api/v1/campaigns", new CampaignInput
        {
            Code = "B" + CampaignKit.Unique(), Name = "Bad", TypeId = typeId, StartDate = DateOnly.FromDateTime(DateTime.Today), EndDate = DateOnly.FromDateTime(DateTime.Today),
            Dialing = new DialingInput { Mode = "turbo", LinesPerOperator = 9, AbandonLimitPercent = 5, AbandonAfterSeconds = 0, AbandonWindow = "week", HangUpAfterSeconds = 10 },
        });
        var problem = await CampaignKit.ProblemAsync(bad, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "dialing.mode", "dialing.linesPerOperator", "dialing.abandonLimitPercent", "dialing.abandonAfterSeconds", "dialing.abandonWindow", "dialing.hangUpAfterSeconds" })
            Assert.True(errors.TryGetProperty(field, out _), field);
        // The minimum ring: 15 s by default, 0 turns hanging up off, at least 15 s otherwise.
        Assert.Equal(15, (await kit.CampaignAsync(mode: "predictive")).Dialing!.HangUpAfterSeconds);
        Assert.Equal(0, (await kit.CampaignAsync(mode: "predictive", hangUpAfter: 0)).Dialing!.HangUpAfterSeconds);

        // An operator may not start a campaign.
        var op = (await kit.OperatorsAsync((await kit.CampaignAsync()).Id, 1))[0];
        Assert.Equal(HttpStatusCode.Forbidden, (await op.Client.PostAsync($"/api/v1/campaigns/{preview.Id}/dialer/start", null)).StatusCode);
    }
}

public sealed class DialerServiceTests_Sqlite(DialerSqliteFixture f) : DialerServiceTests<DialerSqliteFixture>(f);
public sealed class DialerServiceTests_Postgres(DialerPostgresFixture f) : DialerServiceTests<DialerPostgresFixture>(f);
