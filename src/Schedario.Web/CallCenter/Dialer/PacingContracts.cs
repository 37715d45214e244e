namespace Schedario.Web.CallCenter.Dialer;

/// <summary>How a campaign places its calls.</summary>
public enum DialMode
{
    /// <summary>The operator sees the record, then one call is placed for that operator.</summary>
    Preview,
    /// <summary>A fixed number of lines per ready operator (progressive at 1.0).</summary>
    Power,
    /// <summary>The pacing adapts to learned answer rates and call lengths under the abandon limit.</summary>
    Predictive,
}

/// <summary>Why a decision launched nothing (or less than it could): shown on the wallboard.</summary>
public enum PacingHold
{
    None,
    NoOperatorsLoggedIn,
    NoReadyOperators,
    ListExhausted,
    /// <summary>Enough calls are already ringing for the operators expected free.</summary>
    LinesFull,
    /// <summary>The abandon budget of the window is spent: only calls with almost no risk are placed.</summary>
    AbandonBudgetSpent,
    OutsideCallingHours,
}

/// <summary>What to do now: launch <see cref="Launch"/> new calls, and hang up <see cref="HangUp"/> calls still
/// ringing: those that have rung the shortest among the ones that have rung at least
/// <see cref="PacingSnapshot.HangUpAfterSeconds"/> (never any other). <see cref="DialLevel"/> is calls in flight
/// (ringing, waiting, connected) per operator after the launch, for the wallboard.</summary>
public readonly record struct PacingDecision(int Launch, double DialLevel, PacingHold Hold, int HangUp = 0)
{
    public static PacingDecision None(PacingHold hold, double level = 0) => new(0, level, hold);
}

/// <summary>
/// One campaign at one moment, as the dialer knows it. Built by the caller on every decision (the spans
/// can point into arrays the caller reuses: nothing is allocated). Ages are seconds since the state
/// began: ringing since the call was placed, talking since the person was connected, wrap-up since
/// the call ended. Counts of the abandon window (<see cref="WindowAnswered"/> includes the abandoned
/// calls) are the campaign's configured window (a day by default).
/// </summary>
public readonly ref struct PacingSnapshot
{
    public PacingSnapshot() { }

    public DateTime Now { get; init; }
    /// <summary>Operators logged in, free, with no call.</summary>
    public int OperatorsReady { get; init; }
    /// <summary>Operators logged in and busy with something the pacer does not plan around (reading a
    /// preview, waiting on the call placed for them).</summary>
    public int OperatorsPreparing { get; init; }
    /// <summary>One per operator on a call: seconds talking so far.</summary>
    public ReadOnlySpan<double> TalkingSeconds { get; init; }
    /// <summary>One per operator in wrap-up: seconds in wrap-up so far.</summary>
    public ReadOnlySpan<double> WrapUpSeconds { get; init; }
    /// <summary>One per call placed and not yet answered or ended: seconds ringing so far.</summary>
    public ReadOnlySpan<double> RingingSeconds { get; init; }
    /// <summary>Calls answered by a person and waiting for an operator (inside the abandon grace).</summary>
    public int CallsWaiting { get; init; }
    /// <summary>Numbers the campaign may dial right now; <see cref="long.MaxValue"/> when not counted.</summary>
    public long NumbersLeft { get; init; } = long.MaxValue;
    /// <summary>Answered by a person over the abandon window, abandoned included.</summary>
    public long WindowAnswered { get; init; }
    public long WindowAbandoned { get; init; }
    /// <summary>Abandoned ÷ answered by a person that the campaign may not exceed (0.03 = 3%).</summary>
    public double AbandonLimit { get; init; } = 0.03;
    /// <summary>Seconds a person may wait for an operator before the call counts as abandoned.</summary>
    public double AbandonAfterSeconds { get; init; } = 3;
    /// <summary>Seconds a call must have rung before the dialer may hang it up unanswered; null: never
    /// (the call rings until the network ends it).</summary>
    public double? HangUpAfterSeconds { get; init; }
    /// <summary>Time to the end of today's calling hours; null when not known.</summary>
    public TimeSpan? CallingTimeLeft { get; init; }
    /// <summary>The campaign's learned rates and durations (never the truth).</summary>
    public DialerStats Stats { get; init; } = null!;

    public int OperatorsTalking => TalkingSeconds.Length;
    public int OperatorsInWrapUp => WrapUpSeconds.Length;
    public int CallsRinging => RingingSeconds.Length;
    public int OperatorsLoggedIn => OperatorsReady + OperatorsPreparing + TalkingSeconds.Length + WrapUpSeconds.Length;
}

/// <summary>
/// Decides how many calls to launch for one campaign. One instance per campaign (the adaptive pacers keep
/// state between decisions: their controller); no I/O, no allocation per decision, well under 1 ms.
/// The server-side dialer service and <see cref="DialerSimulation"/> call the same classes.
/// </summary>
public interface IPacer
{
    /// <summary>A short name for reports ("predictive", "vicidial-adapt-tapered", …).</summary>
    string Name { get; }

    /// <summary>True when each call belongs to the ready operator it was launched for, who waits for it
    /// (preview): no call can be abandoned. False when calls go to whichever operator is free.</summary>
    bool BindsOperator { get; }

    /// <summary>Time the operator spends before the call is placed (reading the record in preview).</summary>
    TimeSpan OperatorLeadTime { get; }

    PacingDecision Decide(in PacingSnapshot s);
}

/// <summary>Limits of the dialer's campaign settings that come from calling rules.</summary>
public static class DialerRules
{
    /// <summary>The shortest ring after which the dialer may hang up an unanswered call. Italy sets none (the
    /// Garante's 2014 rules on silent calls are about answered calls); Ofcom (UK) and the FTC (US) ask for 15 s,
    /// so no campaign may go under it.</summary>
    public const int MinHangUpAfterSeconds = 15;
    public const int MaxHangUpAfterSeconds = 60;
    public const int DefaultHangUpAfterSeconds = 15;
}

/// <summary>The checks every pacer does first.</summary>
static class PacingGuards
{
    /// <summary>A hold when nothing may be dialed at all, else null.</summary>
    public static PacingHold? Check(in PacingSnapshot s)
    {
        if (s.OperatorsLoggedIn == 0) return PacingHold.NoOperatorsLoggedIn;
        if (s.NumbersLeft <= 0) return PacingHold.ListExhausted;
        if (s.CallingTimeLeft is { } left && left <= TimeSpan.Zero) return PacingHold.OutsideCallingHours;
        return null;
    }

    public static int Cap(long launch, in PacingSnapshot s) => (int)Math.Clamp(Math.Min(launch, s.NumbersLeft), 0, 10_000);

    public static double Level(in PacingSnapshot s, int launch)
    {
        var ops = s.OperatorsLoggedIn;
        return ops == 0 ? 0 : (s.CallsRinging + s.CallsWaiting + s.OperatorsTalking + launch) / (double)ops;
    }
}
