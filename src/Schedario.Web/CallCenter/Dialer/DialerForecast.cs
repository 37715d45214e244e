using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Dialer;

/// <summary>When a campaign's remaining names will be worked through, for the supervisor.</summary>
/// <param name="CallingHours">Hours of calling with the given operators at the predictive pace.</param>
/// <param name="CallingDays">The same in calling days of <c>callingHoursPerDay</c>.</param>
/// <param name="AttemptsPerHour">The predictive pace, simulated with the learned rates.</param>
/// <param name="ExpectedAttempts">Calls the remaining names will take.</param>
/// <param name="ExpectedReached">Names a person will answer within their attempts.</param>
public sealed record DialerForecastResult(
    double CallingHours,
    double CallingDays,
    double AttemptsPerHour,
    double ExpectedAttempts,
    double ExpectedReached,
    double OccupancyAtPace);

/// <summary>
/// The forecast: the pace comes from the simulator (the real predictive pacer, one simulated hour per
/// seed, on a model built from the campaign's learned rates and durations); the number of calls the
/// names will take comes from a closed form: a name with m attempts left and a person-answer rate p
/// takes (1 − (1 − p)^m) ÷ p calls (it stops at the first person). Retry delays are assumed not to
/// starve the dialer (true while the list holds more names than the operators work in a retry delay).
/// </summary>
public static class DialerForecast
{
    public static DialerForecastResult Estimate(
        int operators, long remainingNames, int attemptsLeftPerName, DialerStats learned,
        double callingHoursPerDay = 8, int seeds = 2, double? hangUpAfterSeconds = DialerRules.DefaultHangUpAfterSeconds)
    {
        var errors = new FieldErrors();
        if (operators is < 1 or > 2000) errors.Add("operators", "Gli operatori devono essere tra 1 e 2000.");
        if (remainingNames < 0) errors.Add("remainingNames", "I nominativi rimasti non possono essere negativi.");
        if (attemptsLeftPerName < 1) errors.Add("attemptsLeftPerName", "Serve almeno un tentativo per nominativo.");
        if (callingHoursPerDay is <= 0 or > 24) errors.Add("callingHoursPerDay", "Le ore di chiamata al giorno devono essere tra 0 e 24.");
        if (errors.Any) throw new ValidationException(errors);

        var p = Math.Clamp(learned.PersonRate, 0.005, 0.95);
        var machine = Math.Clamp(learned.MachineRate, 0, 0.95 - p);
        var model = new DialerModel
        {
            Operators = operators,
            AnswerRate = p,
            MachineRate = machine,
            FastFailRate = Math.Clamp(learned.Rate(CallResult.Failed), 0, 1 - p - machine),
            RingMeanSeconds = Math.Clamp(learned.MeanRingToAnswer, 2, 60),
            TalkMeanSeconds = Math.Max(5, learned.MeanTalk),
            TalkSdSeconds = Math.Max(5, learned.MeanTalk) * 0.78,
            WrapUpMeanSeconds = Math.Max(0, learned.MeanWrapUp),
            WrapUpSdSeconds = Math.Max(0, learned.MeanWrapUp) * 0.3,
            DayHours = 1,
            HangUpAfterSeconds = hangUpAfterSeconds,
        };
        double perHour = 0, occupancy = 0, placed = 0, reached = 0;
        for (var seed = 1; seed <= seeds; seed++)
        {
            var run = DialerSimulation.Run(model with { Seed = seed }, SimulatedMode.Predictive);
            perHour += run.CallsPerHour / seeds;
            occupancy += run.Occupancy / seeds;
            placed += run.CallsPlaced;
            reached += run.AnsweredByPerson;
        }
        // A call the dialer hangs up is an attempt that reaches nobody: per attempt a person is reached a little
        // less often than they answer (the simulated day says how much less).
        if (placed > 0 && reached > 0) p = Math.Min(p, reached / placed);
        var perName = (1 - Math.Pow(1 - p, attemptsLeftPerName)) / p;
        var attempts = remainingNames * perName;
        var hours = perHour > 0 ? attempts / perHour : double.PositiveInfinity;
        return new DialerForecastResult(hours, hours / callingHoursPerDay, perHour, attempts,
            remainingNames * (1 - Math.Pow(1 - p, attemptsLeftPerName)), occupancy);
    }
}
