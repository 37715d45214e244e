using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Dialer;

/// <summary>Power (progressive at 1.0): keep <see cref="LinesPerOperator"/> calls ringing per ready operator.</summary>
public sealed record PowerSettings(double LinesPerOperator = 2.0)
{
    public const double MinLines = 1.0, MaxLines = 5.0;

    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        if (!double.IsFinite(LinesPerOperator) || LinesPerOperator < MinLines || LinesPerOperator > MaxLines)
            errors.Add(nameof(LinesPerOperator), $"Le linee per operatore devono essere tra {MinLines:0.0} e {MaxLines:0.0} (ricevuto {LinesPerOperator}).");
        return errors;
    }
}

/// <summary>A fixed ratio: ready operators × lines, minus the calls already ringing. Blind to answer rates,
/// so it abandons when several calls answer at once.</summary>
public sealed class PowerPacer : IPacer
{
    public PowerPacer(PowerSettings? settings = null)
    {
        Settings = settings ?? new PowerSettings();
        var errors = Settings.Validate();
        if (errors.Any) throw new ValidationException(errors);
    }

    public PowerSettings Settings { get; }
    public string Name => "power";
    public bool BindsOperator => false;
    public TimeSpan OperatorLeadTime => TimeSpan.Zero;

    public PacingDecision Decide(in PacingSnapshot s)
    {
        if (PacingGuards.Check(s) is { } hold) return PacingDecision.None(hold);
        var ready = s.OperatorsReady - s.CallsWaiting;
        if (ready <= 0) return PacingDecision.None(PacingHold.NoReadyOperators, PacingGuards.Level(s, 0));
        var target = (long)Math.Ceiling(ready * Settings.LinesPerOperator - 1e-9);
        var launch = PacingGuards.Cap(target - s.CallsRinging, s);
        return new PacingDecision(launch, PacingGuards.Level(s, launch), launch == 0 ? PacingHold.LinesFull : PacingHold.None);
    }
}
