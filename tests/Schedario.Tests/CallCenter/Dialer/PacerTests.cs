using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.Shared;

namespace Schedario.Tests.CallCenter.Dialer;

public class PacerTests
{
    static readonly DateTime T0 = new(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>A learner that has seen a steady campaign: 25% people after ~12 s, talk ~90 s, wrap-up 10 s.</summary>
    static DialerStats Learned(double person = 0.25)
    {
        var stats = new DialerStats();
        var model = new DialerModel { AnswerRate = person, Seed = 7 };
        for (var i = 0; i < 3000; i++)
        {
            var f = model.Fate(i);
            stats.RecordResult(f.Result, f.RingSeconds);
            if (f.Result == CallResult.Person)
            {
                stats.RecordTalk(f.TalkSeconds);
                stats.RecordWrapUp(f.WrapUpSeconds);
            }
        }
        return stats;
    }

    [Fact]
    public void Stats_learn_rates_and_durations_from_outcomes()
    {
        var stats = Learned(0.40);
        Assert.InRange(stats.PersonRate, 0.36, 0.44);
        Assert.InRange(stats.MachineRate, 0.03, 0.07);
        Assert.InRange(stats.MeanRingToAnswer, 10.5, 13.5);
        Assert.InRange(stats.MeanTalk, 80, 100);
        Assert.InRange(stats.MeanWrapUp, 9, 11);
        // A call that has rung 23 s (ring-out is 25 s) is much less likely to be answered than a fresh one.
        Assert.True(stats.AnswerProbability(0, 30) > 0.35);
        Assert.True(stats.AnswerProbability(23, 30) < 0.1);
        // An operator 8 s into a 10 s wrap-up is almost surely free in 8 s; one just starting talking is not.
        Assert.True(stats.FreeFromWrapUp(8, 8) > 0.85);
        Assert.True(stats.FreeFromTalk(0, 15) < 0.05);
    }

    [Fact]
    public void Preview_places_one_call_per_ready_operator_with_its_lead_time()
    {
        var pacer = new PreviewPacer();
        Assert.True(pacer.BindsOperator);
        Assert.Equal(TimeSpan.FromSeconds(3), pacer.OperatorLeadTime);
        var d = pacer.Decide(new PacingSnapshot { Now = T0, OperatorsReady = 3, TalkingSeconds = [10, 20], Stats = new DialerStats() });
        Assert.Equal(3, d.Launch);
        Assert.Equal(0, pacer.Decide(new PacingSnapshot { Now = T0, TalkingSeconds = [10], Stats = new DialerStats() }).Launch);
        Assert.Equal(2, pacer.Decide(new PacingSnapshot { Now = T0, OperatorsReady = 3, NumbersLeft = 2, Stats = new DialerStats() }).Launch);
    }

    [Fact]
    public void Power_keeps_its_lines_per_ready_operator()
    {
        var pacer = new PowerPacer(new PowerSettings(2.0));
        var d = pacer.Decide(new PacingSnapshot { Now = T0, OperatorsReady = 3, RingingSeconds = [1], TalkingSeconds = [5], Stats = new DialerStats() });
        Assert.Equal(5, d.Launch);
        d = pacer.Decide(new PacingSnapshot { Now = T0, OperatorsReady = 1, RingingSeconds = [1, 2, 3], Stats = new DialerStats() });
        Assert.Equal(0, d.Launch);
        Assert.Equal(PacingHold.LinesFull, d.Hold);
    }

    [Fact]
    public void Vicidial_reference_follows_its_documented_rules()
    {
        var pacer = new VicidialAdaptivePacer();
        Assert.Equal(1.0, pacer.Level);
        // Level 1, tally off: L × (ready + talking) − talking − ringing = 1 × (2 + 6) − 6 − 1.
        var d = pacer.Decide(new PacingSnapshot { Now = T0, OperatorsReady = 2, TalkingSeconds = [1, 2, 3, 4, 5, 6], RingingSeconds = [3], Stats = new DialerStats() });
        Assert.Equal(1, d.Launch);
        // Half the operators ready for a minute: the level goes up at every 15 s update, up to the maximum 3.0.
        for (var t = 1; t <= 600; t++)
            pacer.Decide(new PacingSnapshot { Now = T0.AddSeconds(t), OperatorsReady = 5, TalkingSeconds = [1, 2, 3, 4, 5], Stats = new DialerStats(), CallingTimeLeft = TimeSpan.FromHours(6) });
        Assert.Equal(3.0, pacer.Level, 6);
        // Over the drop limit for the day with 6 hours left: tapered scales by 0.6 each update, down to 1.0.
        for (var t = 601; t <= 1200; t++)
            pacer.Decide(new PacingSnapshot { Now = T0.AddSeconds(t), OperatorsReady = 0, TalkingSeconds = [1, 2, 3, 4, 5], CallsWaiting = 1, Stats = new DialerStats(),
                WindowAnswered = 100, WindowAbandoned = 10, CallingTimeLeft = TimeSpan.FromHours(6) });
        Assert.Equal(1.0, pacer.Level, 6);
    }

    [Fact]
    public void Predictive_dials_ahead_for_free_operators_and_not_for_busy_ones()
    {
        var stats = Learned();
        var pacer = new PredictivePacer();
        // Five operators ready, nothing ringing: several calls each (a quarter answer), but not a flood.
        var d = pacer.Decide(new PacingSnapshot { Now = T0, OperatorsReady = 5, WindowAnswered = 1000, WindowAbandoned = 10, Stats = stats });
        Assert.InRange(d.Launch, 6, 40);
        Assert.Equal(PacingHold.None, d.Hold);
        // Everyone just started talking and plenty is ringing: nothing.
        var fresh = new PredictivePacer();
        d = fresh.Decide(new PacingSnapshot { Now = T0, TalkingSeconds = [0, 1, 2, 3, 4], RingingSeconds = [1, 2, 3, 4, 5, 6], WindowAnswered = 1000, WindowAbandoned = 10, Stats = stats });
        Assert.Equal(0, d.Launch);
        Assert.NotEqual(PacingHold.None, d.Hold);
        // Operators near the end of wrap-up: calls go out for them.
        d = new PredictivePacer().Decide(new PacingSnapshot { Now = T0, TalkingSeconds = [0, 1], WrapUpSeconds = [6, 7, 8], WindowAnswered = 1000, WindowAbandoned = 10, Stats = stats });
        Assert.True(d.Launch >= 3, $"launched {d.Launch}");
    }

    [Fact]
    public void Predictive_is_careful_once_the_abandon_budget_is_spent()
    {
        var stats = Learned();
        var open = new PredictivePacer().Decide(new PacingSnapshot { Now = T0, OperatorsReady = 2, WrapUpSeconds = [5, 6, 7], WindowAnswered = 1000, WindowAbandoned = 0, Stats = stats });
        var spentPacer = new PredictivePacer();
        var spent = spentPacer.Decide(new PacingSnapshot { Now = T0, OperatorsReady = 2, WrapUpSeconds = [5, 6, 7], WindowAnswered = 1000, WindowAbandoned = 31, Stats = stats });
        Assert.True(spent.Launch < open.Launch, $"spent {spent.Launch}, open {open.Launch}");
        Assert.True(spentPacer.Theta <= 0.003);
    }

    [Fact]
    public void Predictive_aims_the_rest_of_the_day_at_what_the_budget_leaves()
    {
        var stats = Learned();
        double Theta(long abandoned, double hoursLeft)
        {
            var pacer = new PredictivePacer();
            pacer.Decide(new PacingSnapshot
            {
                Now = T0, OperatorsReady = 2, WrapUpSeconds = [5, 6, 7], WindowAnswered = 1000, WindowAbandoned = abandoned,
                CallingTimeLeft = TimeSpan.FromHours(hoursLeft), Stats = stats,
            });
            return pacer.Theta;
        }
        // The target is 0.95 × 3% = 2.85%; the calibration starts at 1 (θ reads as the rate aimed at).
        // Under budget with hours to go: the rest runs above the target to spend it, more so the less time is left.
        Assert.InRange(Theta(15, 4), 0.0286, 0.057);
        Assert.True(Theta(15, 1) > Theta(15, 4));
        // On the target: at it. Over it, with the day ahead: below it, and the rest pays it back.
        Assert.InRange(Theta(28, 4), 0.027, 0.031);
        Assert.InRange(Theta(30, 4), 0.005, 0.027);
        // Over the limit itself with minutes left: nothing but calls with almost no risk.
        Assert.True(Theta(30, 0.1) <= 0.003);
    }

    [Fact]
    public void Predictive_hangs_up_only_calls_past_the_minimum_ring_that_no_operator_will_be_free_for()
    {
        var stats = Learned();
        // Two rang 16 and 18 s, four are young. Everyone just started talking: a person answering one of the
        // old calls in the next seconds would find nobody, so both go; the young ones are never touched.
        double[] ringing = [16, 18, 2, 4, 6, 8];
        var busy = new PacingSnapshot
        {
            Now = T0, TalkingSeconds = [1, 2, 3, 4, 5], RingingSeconds = ringing, WindowAnswered = 1000, WindowAbandoned = 10,
            HangUpAfterSeconds = 15, Stats = stats,
        };
        var d = new PredictivePacer().Decide(busy);
        Assert.Equal(2, d.HangUp);
        Assert.Equal(0, d.Launch);
        // The campaign never hangs up (no minimum ring set): the same moment hangs up nothing.
        Assert.Equal(0, new PredictivePacer().Decide(busy with { HangUpAfterSeconds = null }).HangUp);
        // Operators free: the old calls are wanted, nothing is hung up.
        var free = busy with { TalkingSeconds = [], OperatorsReady = 5 };
        Assert.Equal(0, new PredictivePacer().Decide(free).HangUp);
        // All operators gone (paused, logged out): nothing new is dialed, and the calls past the minimum go.
        var gone = busy with { TalkingSeconds = [] };
        var g = new PredictivePacer().Decide(gone);
        Assert.Equal((0, PacingHold.NoOperatorsLoggedIn, 2), (g.Launch, g.Hold, g.HangUp));
        // One operator ready and only old calls: some are kept for that operator (by the contract the youngest
        // go first), not all of them.
        var one = busy with { TalkingSeconds = [1, 2, 3, 4], OperatorsReady = 1, RingingSeconds = [16, 16, 17, 18, 19, 20] };
        var o = new PredictivePacer().Decide(one);
        Assert.InRange(o.HangUp, 1, 5);
    }

    [Fact]
    public void Stats_learn_from_hung_up_calls_without_mistaking_them_for_ring_outs()
    {
        // The true campaign: 25% people, 5% machines, 10% fail fast, the rest ring out at 25 s. The dialer hangs
        // up half the calls still ringing at 15 s (the pacer chooses some, not all).
        var model = new DialerModel { AnswerRate = 0.25, Seed = 11 };
        var censored = new DialerStats();
        var naive = new DialerStats();
        var rng = new Random(3);
        for (var i = 0; i < 20_000; i++)
        {
            var f = model.Fate(i);
            if (f.RingSeconds > 15 && rng.NextDouble() < 0.5)
            {
                censored.RecordHungUp(15);
                naive.RecordResult(CallResult.NoAnswer, 15); // what counting them as ring-outs would learn
                continue;
            }
            censored.RecordResult(f.Result, f.RingSeconds);
            naive.RecordResult(f.Result, f.RingSeconds);
        }
        Assert.InRange(censored.PersonRate, 0.235, 0.265);
        Assert.True(Math.Abs(naive.PersonRate - 0.25) > Math.Abs(censored.PersonRate - 0.25) + 0.01,
            $"naive {naive.PersonRate:0.000}, censored {censored.PersonRate:0.000}");
        // Calls ringing 20 s are still answered now and then: the learner keeps that chance, a ring-out count would not.
        Assert.True(censored.AnswerProbability(20, 5) > naive.AnswerProbability(20, 5));
        Assert.InRange(censored.HangUpsLearned, 5000, 8000);
    }

    [Theory]
    [InlineData(SimulatedMode.Preview)]
    [InlineData(SimulatedMode.Power)]
    [InlineData(SimulatedMode.Predictive)]
    [InlineData(SimulatedMode.Vicidial)]
    public void No_calls_without_operators_an_exhausted_list_or_calling_time(SimulatedMode mode)
    {
        var pacer = DialerSimulation.CreatePacer(mode, new DialerModel());
        var stats = Learned();
        var none = pacer.Decide(new PacingSnapshot { Now = T0, Stats = stats });
        Assert.Equal((0, PacingHold.NoOperatorsLoggedIn), (none.Launch, none.Hold));
        var exhausted = pacer.Decide(new PacingSnapshot { Now = T0, OperatorsReady = 5, NumbersLeft = 0, Stats = stats });
        Assert.Equal((0, PacingHold.ListExhausted), (exhausted.Launch, exhausted.Hold));
        var closed = pacer.Decide(new PacingSnapshot { Now = T0, OperatorsReady = 5, CallingTimeLeft = TimeSpan.Zero, Stats = stats });
        Assert.Equal((0, PacingHold.OutsideCallingHours), (closed.Launch, closed.Hold));
    }

    [Fact]
    public void Settings_out_of_range_are_refused_with_a_clear_message()
    {
        var e = Assert.Throws<ValidationException>(() => new PowerPacer(new PowerSettings(0.5)));
        Assert.Contains("tra 1.0 e 5.0", e.Errors.All[nameof(PowerSettings.LinesPerOperator)][0]);
        Assert.Throws<ValidationException>(() => new PowerPacer(new PowerSettings(5.5)));
        Assert.Throws<ValidationException>(() => new PowerPacer(new PowerSettings(double.NaN)));
        e = Assert.Throws<ValidationException>(() => new PreviewPacer(new PreviewSettings(-1)));
        Assert.Contains("tra 0 e 600", e.Errors.All[nameof(PreviewSettings.PreviewSeconds)][0]);
        e = Assert.Throws<ValidationException>(() => new PredictivePacer(new PredictiveSettings(TargetShareOfLimit: 1.2)));
        Assert.Contains("tra 0.30 e 0.95", e.Errors.All[nameof(PredictiveSettings.TargetShareOfLimit)][0]);
        Assert.Throws<ValidationException>(() => new PredictivePacer(new PredictiveSettings(MaxLinesPerOperator: 0)));
        e = Assert.Throws<ValidationException>(() => new VicidialAdaptivePacer(new VicidialSettings(MaxLevel: 11, Intensity: 50)));
        Assert.Equal(2, e.Errors.All.Count);
        Assert.Throws<ValidationException>(() => DialerSimulation.Run(new DialerModel { Operators = 0 }, SimulatedMode.Predictive));
    }
}
