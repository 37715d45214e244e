using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Dialer;

/// <summary>What the reference pacer does once the day's drop rate is over the limit.</summary>
public enum DropLimitMethod
{
    /// <summary>ADAPT_TAPERED: scale the level down as the end of the day nears (hours left ÷ 10, at most 1).</summary>
    Tapered,
    /// <summary>ADAPT_HARD_LIMIT: level 1.0.</summary>
    HardLimit,
    /// <summary>ADAPT_AVERAGE: halve the level.</summary>
    Average,
}

/// <summary>The reference's settings, with VICIdial's documented defaults.</summary>
/// <param name="MaxLevel">Adaptive maximum dial level (1.0–10.0, default 3.0).</param>
/// <param name="Intensity">Adaptive intensity, −40…40 (default 0, gain 1; we map it to gain = 1 + intensity ÷ 50).</param>
/// <param name="AvailableOnlyTally">Count only ready operators (default off: ready + talking, minus connected calls).</param>
/// <param name="TargetOffset">Added to ready − waiting before the adjustment (default 0).</param>
public sealed record VicidialSettings(
    double MaxLevel = 3.0,
    int Intensity = 0,
    bool AvailableOnlyTally = false,
    DropLimitMethod Method = DropLimitMethod.Tapered,
    double TargetOffset = 0,
    double UpdateSeconds = 15,
    double AverageSeconds = 60)
{
    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        if (!double.IsFinite(MaxLevel) || MaxLevel < 1 || MaxLevel > 10)
            errors.Add(nameof(MaxLevel), $"Il livello massimo deve essere tra 1.0 e 10.0 (ricevuto {MaxLevel}).");
        if (Intensity is < -40 or > 40)
            errors.Add(nameof(Intensity), $"L'intensità deve essere tra -40 e 40 (ricevuto {Intensity}).");
        if (!double.IsFinite(TargetOffset) || Math.Abs(TargetOffset) > 50)
            errors.Add(nameof(TargetOffset), $"Lo scostamento deve essere tra -50 e 50 (ricevuto {TargetOffset}).");
        if (!double.IsFinite(UpdateSeconds) || UpdateSeconds < 1 || UpdateSeconds > 600)
            errors.Add(nameof(UpdateSeconds), "L'intervallo di aggiornamento deve essere tra 1 e 600 secondi.");
        if (!double.IsFinite(AverageSeconds) || AverageSeconds < 5 || AverageSeconds > 600)
            errors.Add(nameof(AverageSeconds), "La finestra della media deve essere tra 5 e 600 secondi.");
        return errors;
    }
}

/// <summary>
/// Our re-implementation, from its public description (see docs/decisions/0015), of VICIdial's adaptive
/// ratio pacing: a dial level L nudged every <see cref="VicidialSettings.UpdateSeconds"/> by the recent
/// average of ready operators minus answered calls waiting, cut when drops run high. The simulator's
/// reference, not a mode we offer.
/// </summary>
public sealed class VicidialAdaptivePacer : IPacer
{
    const int MaxSamples = 1024;
    readonly (double T, int Ready, int Waiting, int LoggedIn, long Answered, long Dropped)[] _samples = new (double, int, int, int, long, long)[MaxSamples];
    int _head, _count;
    double _lastUpdate = double.NaN, _lastSample = double.NaN;
    long _lastAnswered = -1;

    public VicidialAdaptivePacer(VicidialSettings? settings = null)
    {
        Settings = settings ?? new VicidialSettings();
        var errors = Settings.Validate();
        if (errors.Any) throw new ValidationException(errors);
    }

    public VicidialSettings Settings { get; }
    public string Name => "vicidial-adapt-" + Settings.Method.ToString().ToLowerInvariant();
    public bool BindsOperator => false;
    public TimeSpan OperatorLeadTime => TimeSpan.Zero;

    /// <summary>The current dial level L.</summary>
    public double Level { get; private set; } = 1.0;

    public PacingDecision Decide(in PacingSnapshot s)
    {
        var t = s.Now.Ticks / (double)TimeSpan.TicksPerSecond;
        if (s.WindowAnswered < _lastAnswered) _count = 0; // the window restarted (a new day)
        _lastAnswered = s.WindowAnswered;
        if (double.IsNaN(_lastSample) || t - _lastSample >= 1 - 1e-9)
        {
            _samples[_head] = (t, s.OperatorsReady, s.CallsWaiting, s.OperatorsLoggedIn, s.WindowAnswered, s.WindowAbandoned);
            _head = (_head + 1) % MaxSamples;
            _count = Math.Min(_count + 1, MaxSamples);
            _lastSample = t;
        }
        if (double.IsNaN(_lastUpdate)) _lastUpdate = t;
        else if (t - _lastUpdate >= Settings.UpdateSeconds - 1e-9)
        {
            _lastUpdate = t;
            Adapt(s, t);
        }

        if (PacingGuards.Check(s) is { } hold) return PacingDecision.None(hold, Level);
        long target = Settings.AvailableOnlyTally
            ? (long)Math.Ceiling(Level * s.OperatorsReady - 1e-9)
            : (long)Math.Ceiling(Level * (s.OperatorsReady + s.OperatorsTalking) - 1e-9) - s.OperatorsTalking;
        var launch = PacingGuards.Cap(target - s.CallsRinging - s.CallsWaiting, s);
        var why = launch > 0 ? PacingHold.None : s.OperatorsReady == 0 ? PacingHold.NoReadyOperators : PacingHold.LinesFull;
        return new PacingDecision(launch, PacingGuards.Level(s, launch), why);
    }

    void Adapt(in PacingSnapshot s, double now)
    {
        double ready = 0, waiting = 0, logged = 0;
        int n = 0;
        long answeredThen = s.WindowAnswered, droppedThen = s.WindowAbandoned;
        for (var i = 0; i < _count; i++)
        {
            var x = _samples[(_head - 1 - i + MaxSamples) % MaxSamples];
            if (now - x.T > Settings.AverageSeconds + 1e-9) break;
            ready += x.Ready;
            waiting += x.Waiting;
            logged += x.LoggedIn;
            answeredThen = x.Answered;
            droppedThen = x.Dropped;
            n++;
        }
        if (n > 0 && logged > 0)
        {
            var diff = (ready - waiting) / n + Settings.TargetOffset;
            var gain = 1 + Settings.Intensity / 50.0;
            Level *= 1 + gain * diff / (logged / n);
        }

        // Over half of the last minute's answered calls dropped (with more than 20): halve.
        var answeredMinute = s.WindowAnswered - answeredThen;
        var droppedMinute = s.WindowAbandoned - droppedThen;
        if (answeredMinute > 20 && droppedMinute * 2 > answeredMinute) Level /= 2;

        if (s.WindowAnswered > 50 && s.WindowAbandoned > s.AbandonLimit * s.WindowAnswered)
        {
            switch (Settings.Method)
            {
                case DropLimitMethod.Tapered:
                    if (s.CallingTimeLeft is { } left)
                        Level = left <= TimeSpan.Zero ? 1.0 : Level * Math.Min(1, left.TotalHours / 10);
                    break;
                case DropLimitMethod.HardLimit: Level = 1.0; break;
                case DropLimitMethod.Average: Level /= 2; break;
            }
        }
        Level = Math.Clamp(Level, 1.0, Settings.MaxLevel);
    }
}
