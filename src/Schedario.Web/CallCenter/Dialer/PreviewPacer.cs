using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Dialer;

/// <summary>Preview: the operator reads the record for <see cref="PreviewSeconds"/>, then one call is placed for them.</summary>
public sealed record PreviewSettings(double PreviewSeconds = 3)
{
    public const double MaxPreviewSeconds = 600;

    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        if (!double.IsFinite(PreviewSeconds) || PreviewSeconds < 0 || PreviewSeconds > MaxPreviewSeconds)
            errors.Add(nameof(PreviewSeconds), $"Il tempo di anteprima deve essere tra 0 e {MaxPreviewSeconds:0} secondi (ricevuto {PreviewSeconds}).");
        return errors;
    }
}

/// <summary>One call per ready operator, bound to that operator: nothing can be abandoned. With an 8 s lead
/// it is also the simulator's model of manual dialing.</summary>
public sealed class PreviewPacer : IPacer
{
    public PreviewPacer(PreviewSettings? settings = null, string name = "preview")
    {
        Settings = settings ?? new PreviewSettings();
        var errors = Settings.Validate();
        if (errors.Any) throw new ValidationException(errors);
        Name = name;
    }

    public PreviewSettings Settings { get; }
    public string Name { get; }
    public bool BindsOperator => true;
    public TimeSpan OperatorLeadTime => TimeSpan.FromSeconds(Settings.PreviewSeconds);

    public PacingDecision Decide(in PacingSnapshot s)
    {
        if (PacingGuards.Check(s) is { } hold) return PacingDecision.None(hold);
        if (s.OperatorsReady == 0) return PacingDecision.None(PacingHold.NoReadyOperators, PacingGuards.Level(s, 0));
        var launch = PacingGuards.Cap(s.OperatorsReady, s);
        return new PacingDecision(launch, PacingGuards.Level(s, launch), PacingHold.None);
    }
}
