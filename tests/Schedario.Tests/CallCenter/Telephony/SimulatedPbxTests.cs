using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Shared;
using static Schedario.Web.CallCenter.Telephony.TelephonyEventKind;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Schedario.Tests.CallCenter.Telephony;

/// <summary>The simulated PBX on virtual time (FakeTimeProvider): nothing here waits for a real clock.</summary>
public sealed class SimulatedPbxTests : IDisposable
{
    static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    readonly FakeTimeProvider clock = new(Start);
    readonly RecordingSink sink = new();
    readonly SimulatedPbxOptions options = new()
    {
        AnswerAfterSeconds = 5, RingOutSeconds = 25, FailAfterSeconds = 2, InboundAbandonAfterSeconds = 90,
        OutcomeBySuffix = { ["0"] = SimulatedOutcome.Failed, ["9"] = SimulatedOutcome.Busy, ["99"] = SimulatedOutcome.NoAnswer },
    };
    readonly SimulatedPbx pbx;

    public SimulatedPbxTests() => pbx = new SimulatedPbx(clock, RecordingSink.Scopes(sink), MsOptions.Create(options), NullLogger<SimulatedPbx>.Instance);

    public void Dispose() => pbx.Dispose();

    async Task Advance(double seconds)
    {
        clock.Advance(TimeSpan.FromSeconds(seconds));
        await pbx.WhenIdleAsync();
    }

    [Fact]
    public async Task Inbound_call_rings_is_answered_and_hung_up_with_its_duration()
    {
        var id = await pbx.SimulateInboundAsync("333 123 4567", "02 1234 5678");
        var ringing = Assert.Single(sink.Events);
        Assert.Equal(("sim", id, Ringing, CallDirection.Inbound, "+393331234567", "+390212345678", Start.UtcDateTime),
            (ringing.Source, ringing.CallId, ringing.Kind, ringing.Direction, ringing.CallerNumber, ringing.CalledNumber, ringing.OccurredAt));

        await Advance(4);
        await pbx.AnswerAsync(id, "201");
        await Advance(73);
        await pbx.HangUpAsync(id);
        await pbx.HangUpAsync(id); // a second hang-up is not an error and sends nothing

        Assert.Equal([Ringing, Answered, HungUp], sink.Events.Select(e => e.Kind));
        var (answered, hungUp) = (sink.Events[1], sink.Events[2]);
        Assert.Equal(("201", Start.AddSeconds(4).UtcDateTime), (answered.Extension, answered.OccurredAt));
        Assert.Equal((73, "normal", "201", Start.AddSeconds(77).UtcDateTime), (hungUp.DurationSeconds!.Value, hungUp.Cause, hungUp.Extension, hungUp.OccurredAt));
        Assert.Equal(0, pbx.ActiveCalls);
    }

    [Fact]
    public async Task Inbound_call_nobody_answers_is_abandoned()
    {
        await pbx.SimulateInboundAsync("+39 333 1234567", "0212345678");
        await Advance(89);
        Assert.Single(sink.Events);
        await Advance(1);
        var hungUp = sink.Events[^1];
        Assert.Equal((HungUp, 0, "abandoned"), (hungUp.Kind, hungUp.DurationSeconds!.Value, hungUp.Cause));
    }

    [Fact]
    public async Task Outbound_call_answers_after_the_configured_time()
    {
        var id = await pbx.PlaceCallAsync(new PlaceCallRequest("202", "3331234567", CallerId: "0212345678"));
        var ringing = Assert.Single(sink.Events);
        Assert.Equal((CallDirection.Outbound, "202", "3331234567", "0212345678"), (ringing.Direction, ringing.Extension, ringing.CalledNumber, ringing.CallerNumber));

        await Advance(4.9);
        Assert.Single(sink.Events);
        await Advance(0.1);
        Assert.Equal(Answered, sink.Events[^1].Kind);
        Assert.Equal(Start.AddSeconds(5).UtcDateTime, sink.Events[^1].OccurredAt);

        await Advance(20);
        await pbx.HangUpAsync(id);
        Assert.Equal((HungUp, 20, "normal"), (sink.Events[^1].Kind, sink.Events[^1].DurationSeconds!.Value, sink.Events[^1].Cause));
    }

    [Theory]
    [InlineData("3331234560", "failed", 2)]    // ends in 0
    [InlineData("3331234569", "busy", 2)]      // ends in 9
    [InlineData("3331234599", "no-answer", 25)] // ends in 99: the longer suffix wins
    public async Task Outbound_outcome_follows_the_number_rules(string number, string cause, double after)
    {
        await pbx.PlaceCallAsync(new PlaceCallRequest("202", number));
        await Advance(after - 0.5);
        Assert.Single(sink.Events);
        await Advance(0.5);
        Assert.Equal([Ringing, HungUp], sink.Events.Select(e => e.Kind));
        Assert.Equal((cause, 0), (sink.Events[1].Cause, sink.Events[1].DurationSeconds!.Value));
    }

    [Fact]
    public async Task An_outcome_set_in_code_wins_and_can_hang_up_an_answered_call_by_itself()
    {
        pbx.SetOutcome("+39 333 1234560", SimulatedOutcome.Answer); // would fail by its suffix
        options.HangUpAfterSeconds = 30;
        Assert.Equal(SimulatedOutcome.Answer, pbx.OutcomeFor("3331234560"));
        await pbx.PlaceCallAsync(new PlaceCallRequest("202", "3331234560"));
        await Advance(5);
        await Advance(30);
        Assert.Equal([Ringing, Answered, HungUp], sink.Events.Select(e => e.Kind));
        Assert.Equal(30, sink.Events[2].DurationSeconds);

        pbx.ClearOutcomes();
        Assert.Equal(SimulatedOutcome.Failed, pbx.OutcomeFor("3331234560"));
        pbx.SetOutcome("3337654321", SimulatedOutcome.Busy);
        Assert.Equal(SimulatedOutcome.Busy, pbx.OutcomeFor("+393337654321"));
    }

    [Fact]
    public async Task A_number_can_ring_its_own_time_before_its_outcome()
    {
        // People answer after different rings: the dialer bench gives each number the model's own ring.
        pbx.SetOutcome("3331111111", SimulatedOutcome.Answer, afterSeconds: 17.5);
        pbx.SetOutcome("+39 333 2222222", SimulatedOutcome.NoAnswer, afterSeconds: 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => pbx.SetOutcome("3333333333", SimulatedOutcome.Answer, afterSeconds: -1));
        var late = await pbx.PlaceCallAsync(new PlaceCallRequest("202", "+393331111111"));
        var short_ = await pbx.PlaceCallAsync(new PlaceCallRequest("203", "3332222222"));
        var usual = await pbx.PlaceCallAsync(new PlaceCallRequest("204", "3334444444"));

        await Advance(5);
        Assert.Equal((Answered, usual), (sink.Events[^1].Kind, sink.Events[^1].CallId)); // the options' 5 s
        await Advance(3);
        Assert.Equal((HungUp, short_, "no-answer"), (sink.Events[^1].Kind, sink.Events[^1].CallId, sink.Events[^1].Cause));
        await Advance(9.4);
        Assert.NotEqual(late, sink.Events[^1].CallId);
        await Advance(0.1);
        Assert.Equal((Answered, late, Start.AddSeconds(17.5).UtcDateTime), (sink.Events[^1].Kind, sink.Events[^1].CallId, sink.Events[^1].OccurredAt));

        // Set again without a time: the options' times again.
        pbx.SetOutcome("3331111111", SimulatedOutcome.Answer);
        await pbx.PlaceCallAsync(new PlaceCallRequest("205", "3331111111"));
        await Advance(5);
        Assert.Equal((Answered, "205"), (sink.Events[^1].Kind, sink.Events[^1].Extension));
    }

    [Fact]
    public async Task Hanging_up_a_ringing_outbound_call_cancels_it_and_its_timer()
    {
        var id = await pbx.PlaceCallAsync(new PlaceCallRequest("202", "3331234567"));
        await Advance(2);
        await pbx.HangUpAsync(id);
        await Advance(60);
        Assert.Equal([Ringing, HungUp], sink.Events.Select(e => e.Kind));
        Assert.Equal("cancelled", sink.Events[1].Cause);
    }

    [Fact]
    public async Task The_dialer_can_give_up_on_a_ringing_call_but_never_on_one_picked_up()
    {
        pbx.SetOutcome("3331111111", SimulatedOutcome.Answer, afterSeconds: 4);
        var ringing = await pbx.PlaceCallAsync(new PlaceCallRequest("202", "3339999999"));
        var answered = await pbx.PlaceCallAsync(new PlaceCallRequest("203", "3331111111"));
        await Advance(4);
        Assert.True(await pbx.CancelRingingAsync(ringing));
        Assert.False(await pbx.CancelRingingAsync(answered)); // a person is on the line: left alone
        Assert.False(await pbx.CancelRingingAsync(ringing));  // already ended
        Assert.False(await pbx.CancelRingingAsync("unknown"));
        await Advance(60);
        Assert.Equal((HungUp, "cancelled"), (sink.Events.Single(e => e.CallId == ringing && e.Kind == HungUp).Kind, sink.Events.Single(e => e.CallId == ringing && e.Kind == HungUp).Cause));
        Assert.DoesNotContain(sink.Events, e => e.CallId == answered && e.Kind == HungUp);
    }

    [Fact]
    public async Task Bad_numbers_and_unknown_calls_are_clear_errors()
    {
        var bad = await Assert.ThrowsAsync<ValidationException>(() => pbx.SimulateInboundAsync("12", "not a number"));
        Assert.True(bad.Errors.All.ContainsKey("caller"));
        Assert.True(bad.Errors.All.ContainsKey("called"));
        await Assert.ThrowsAsync<NotFoundException>(() => pbx.AnswerAsync("sim-nothing", "201"));
        await pbx.HangUpAsync("sim-nothing");

        var id = await pbx.SimulateInboundAsync("3331234567", "0212345678");
        await pbx.AnswerAsync(id, "201");
        Assert.Equal("call-not-ringing", (await Assert.ThrowsAsync<RuleException>(() => pbx.AnswerAsync(id, "202"))).Rule);
        Assert.DoesNotContain(sink.Events, e => e.CallId == "sim-nothing");
    }
}
