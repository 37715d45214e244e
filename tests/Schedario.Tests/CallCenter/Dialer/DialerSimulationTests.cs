using Schedario.Web.CallCenter.Dialer;

namespace Schedario.Tests.CallCenter.Dialer;

public class DialerSimulationTests
{
    [Theory]
    [InlineData(5, 0.25)]
    [InlineData(20, 0.10)]
    [InlineData(20, 0.40)]
    public void Predictive_never_breaks_the_abandon_limit_over_ten_short_days(int operators, double answerRate)
    {
        for (var seed = 1; seed <= 10; seed++)
        {
            var r = DialerSimulation.Run(new DialerModel { Operators = operators, AnswerRate = answerRate, DayHours = 2, Seed = 100 + seed }, SimulatedMode.Predictive);
            Assert.True(r.AbandonRate <= 0.03, $"seed {100 + seed}: {r.Abandoned} of {r.AnsweredByPerson} abandoned ({r.AbandonRate:P2})");
            Assert.True(r.AnsweredByPerson > 0);
        }
    }

    [Fact]
    public void Predictive_spends_the_day_budget_close_to_its_target_and_never_over_the_limit()
    {
        // Full 8-hour days, the headline point: the controller lands each day between 2.5% and 3%
        // (target 2.85%), never over the limit.
        for (var seed = 1; seed <= 4; seed++)
        {
            var r = DialerSimulation.Run(new DialerModel { Operators = 20, AnswerRate = 0.25, Seed = 200 + seed }, SimulatedMode.Predictive);
            Assert.InRange(r.AbandonRate, 0.025, 0.03);
        }
    }

    [Fact]
    public void Hanging_up_calls_past_the_minimum_ring_keeps_the_limit_and_talks_more()
    {
        // The same people (seeds) with the campaign's default minimum ring of 15 s, and with none: the pacer
        // that may hang up talks more, within the limit, and never hangs up when the campaign does not allow it.
        double with = 0, without = 0;
        for (var seed = 1; seed <= 4; seed++)
        {
            var model = new DialerModel { Operators = 20, AnswerRate = 0.25, Seed = 300 + seed };
            var hangingUp = DialerSimulation.Run(model, SimulatedMode.Predictive);
            var ringing = DialerSimulation.Run(model with { HangUpAfterSeconds = null }, SimulatedMode.Predictive);
            Assert.True(hangingUp.AbandonRate <= 0.03, $"seed {300 + seed}: {hangingUp.AbandonRate:P2}");
            Assert.True(hangingUp.HungUp > 0);
            Assert.Equal(0, ringing.HungUp);
            // Most calls hung up would have rung out anyway: few are people who would have answered later.
            Assert.True(hangingUp.HungUpPersons < 0.1 * hangingUp.HungUp, $"{hangingUp.HungUpPersons} people of {hangingUp.HungUp} hung up");
            with += hangingUp.Occupancy;
            without += ringing.Occupancy;
        }
        Assert.True(with > without * 1.005, $"occupancy {with / 4:0.000} hanging up, {without / 4:0.000} ringing out");
    }

    [Fact]
    public void A_day_is_the_same_for_the_same_seed_and_differs_for_another()
    {
        var model = new DialerModel { Operators = 10, DayHours = 1, Seed = 3 };
        var a = DialerSimulation.Run(model, SimulatedMode.Predictive);
        var b = DialerSimulation.Run(model, SimulatedMode.Predictive);
        Assert.Equal((a.TalkSeconds, a.CallsPlaced, a.AnsweredByPerson, a.Abandoned, a.Machines), (b.TalkSeconds, b.CallsPlaced, b.AnsweredByPerson, b.Abandoned, b.Machines));
        var c = DialerSimulation.Run(model with { Seed = 4 }, SimulatedMode.Predictive);
        Assert.NotEqual(a.TalkSeconds, c.TalkSeconds);
    }

    [Theory]
    [InlineData(5, 0.25)]
    [InlineData(20, 0.40)]
    public void The_oracle_bounds_every_mode_and_manual_and_preview_never_abandon(int operators, double answerRate)
    {
        var model = new DialerModel { Operators = operators, AnswerRate = answerRate, DayHours = 1, Seed = 11 };
        var oracle = DialerSimulation.Run(model, SimulatedMode.Oracle);
        Assert.InRange(oracle.Occupancy, 0.85, 0.92);
        Assert.Equal(0, oracle.Abandoned);
        foreach (var mode in new[] { SimulatedMode.Manual, SimulatedMode.Preview, SimulatedMode.Power, SimulatedMode.Predictive, SimulatedMode.Vicidial })
        {
            var r = DialerSimulation.Run(model, mode);
            Assert.True(r.Occupancy <= oracle.Occupancy, $"{mode}: {r.Occupancy:0.000} > oracle {oracle.Occupancy:0.000}");
            if (mode is SimulatedMode.Manual or SimulatedMode.Preview) Assert.Equal(0, r.Abandoned);
        }
    }

    [Fact]
    public void Predictive_beats_preview_and_manual_at_twenty_operators()
    {
        var model = new DialerModel { Operators = 20, AnswerRate = 0.25, DayHours = 2, Seed = 5 };
        var manual = DialerSimulation.Run(model, SimulatedMode.Manual);
        var preview = DialerSimulation.Run(model, SimulatedMode.Preview);
        var predictive = DialerSimulation.Run(model, SimulatedMode.Predictive);
        Assert.True(predictive.TalkMinutesPerOperatorHour > 1.5 * preview.TalkMinutesPerOperatorHour);
        Assert.True(preview.TalkMinutesPerOperatorHour > manual.TalkMinutesPerOperatorHour);
    }

    [Fact]
    public void A_short_list_runs_out_and_the_dialer_stops()
    {
        var r = DialerSimulation.Run(new DialerModel { Operators = 5, ListSize = 200, DayHours = 1 }, SimulatedMode.Predictive);
        Assert.Equal(200, r.CallsPlaced);
        var bound = DialerSimulation.Run(new DialerModel { Operators = 5, ListSize = 50, DayHours = 1 }, SimulatedMode.Preview);
        Assert.Equal(50, bound.CallsPlaced);
    }

    [Fact]
    public void Forecast_gives_hours_from_the_simulated_pace_and_the_attempts_per_name()
    {
        var stats = new DialerStats(priorPersonRate: 0.25);
        // A campaign that never hangs up: every attempt reaches a person at the learned rate.
        var f = DialerForecast.Estimate(operators: 10, remainingNames: 5000, attemptsLeftPerName: 3, stats, seeds: 1, hangUpAfterSeconds: null);
        Assert.True(f.AttemptsPerHour > 100);
        var p = stats.PersonRate;
        Assert.Equal(5000 * (1 - Math.Pow(1 - p, 3)) / p, f.ExpectedAttempts, 3);
        // One that hangs up after 15 s: some attempts end before the person would have answered, so the names
        // take a few more attempts (and the dialer places them faster).
        var hangingUp = DialerForecast.Estimate(operators: 10, remainingNames: 5000, attemptsLeftPerName: 3, stats, seeds: 1);
        Assert.InRange(hangingUp.ExpectedAttempts, f.ExpectedAttempts * 1.001, f.ExpectedAttempts * 1.15);
        Assert.True(hangingUp.AttemptsPerHour > f.AttemptsPerHour);
        Assert.Equal(f.ExpectedAttempts / f.AttemptsPerHour, f.CallingHours, 6);
        Assert.Equal(f.CallingHours / 8, f.CallingDays, 6);
        var more = DialerForecast.Estimate(operators: 20, remainingNames: 5000, attemptsLeftPerName: 3, stats, seeds: 1);
        Assert.True(more.CallingHours < f.CallingHours);
    }
}
