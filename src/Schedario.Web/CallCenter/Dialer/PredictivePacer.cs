using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Dialer;

/// <summary>The predictive pacer's settings (the abandon limit itself comes with each snapshot).</summary>
/// <param name="TargetShareOfLimit">The abandon rate aimed at, as a share of the limit (0.3–0.95; default 0.9 = 2.7% of 3%).</param>
/// <param name="MaxLinesPerOperator">Never more calls in flight than this per logged-in operator (1–20).</param>
public sealed record PredictiveSettings(double TargetShareOfLimit = 0.9, double MaxLinesPerOperator = 8)
{
    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        if (!double.IsFinite(TargetShareOfLimit) || TargetShareOfLimit < 0.3 || TargetShareOfLimit > 0.95)
            errors.Add(nameof(TargetShareOfLimit), $"La quota del limite di abbandono deve essere tra 0.30 e 0.95 (ricevuto {TargetShareOfLimit}).");
        if (!double.IsFinite(MaxLinesPerOperator) || MaxLinesPerOperator < 1 || MaxLinesPerOperator > 20)
            errors.Add(nameof(MaxLinesPerOperator), $"Le linee massime per operatore devono essere tra 1 e 20 (ricevuto {MaxLinesPerOperator}).");
        return errors;
    }
}

/// <summary>
/// Our predictive pacer (docs/decisions/0015-predictive-pacing.md). For each candidate call it computes the
/// probability that, if a person answers it, no operator is free within the abandon grace: the exact
/// distribution (Poisson-binomial) of operators freed by then (each talking or wrapping-up operator with
/// its own learned probability, given how long they have been at it) minus calls answered before it
/// (each ringing call with its own probability, given how long it has rung; the answered calls waiting;
/// the calls launched before it in this decision; a Poisson number for the calls it will launch in the
/// next seconds that answer sooner), at five points of the learned ring-time distribution. Calls are launched while that risk is under a threshold θ; an abandon-budget
/// controller moves θ so the window's rate settles at a margin under the limit, and tightens θ as the
/// budget is spent.
/// </summary>
public sealed class PredictivePacer : IPacer
{
    // Where the new call's answer time is looked at: quantiles of the learned ring time, equal weights.
    static readonly double[] Quantiles = [0.1, 0.3, 0.5, 0.7, 0.9];
    const double ThetaMin = 0.002, ThetaMax = 0.6, ThetaStart = 0.05;
    /// <summary>The fewest answers the budget counts (so the first abandons of a day do not stop it cold).</summary>
    const double BudgetPrior = 40;
    /// <summary>How fast θ follows the budget: e-folding per this many seconds at a slack of ±1.</summary>
    const double ControllerSeconds = 1800;
    /// <summary>Abandons kept in hand under the limit itself.</summary>
    const double HardMargin = 3;

    readonly double[][] _dist = new double[Quantiles.Length][];
    readonly int[] _count = new int[Quantiles.Length];
    readonly int[] _offset = new int[Quantiles.Length];
    readonly double[] _tau = new double[Quantiles.Length];
    readonly double[] _newAnswerBy = new double[Quantiles.Length];
    readonly double[] _laterAnswers = new double[Quantiles.Length];
    double _launchRate; // own launches per second, smoothed
    double _logTheta = Math.Log(ThetaStart);
    double _lastNow = double.NaN, _dt;
    const double LaunchRateSeconds = 30;

    public PredictivePacer(PredictiveSettings? settings = null)
    {
        Settings = settings ?? new PredictiveSettings();
        var errors = Settings.Validate();
        if (errors.Any) throw new ValidationException(errors);
        for (var j = 0; j < _dist.Length; j++) _dist[j] = new double[64];
    }

    public PredictiveSettings Settings { get; }
    public string Name => "predictive";
    public bool BindsOperator => false;
    public TimeSpan OperatorLeadTime => TimeSpan.Zero;

    /// <summary>The risk threshold after the last decision (for the wallboard and the tests).</summary>
    public double Theta { get; private set; } = ThetaStart;

    public PacingDecision Decide(in PacingSnapshot s)
    {
        var stats = s.Stats ?? throw new ArgumentException("The snapshot has no DialerStats.", nameof(s));
        var theta = Controller(s, stats);
        if (PacingGuards.Check(s) is { } hold) return PacingDecision.None(hold);

        var maxLines = (long)Math.Floor(Settings.MaxLinesPerOperator * s.OperatorsLoggedIn);
        var room = Math.Min(maxLines - s.CallsRinging - s.CallsWaiting, s.NumbersLeft);
        if (room <= 0) return PacingDecision.None(PacingHold.LinesFull, PacingGuards.Level(s, 0));

        var grace = s.AbandonAfterSeconds;
        var person = stats.PersonRate;
        for (var j = 0; j < Quantiles.Length; j++)
        {
            var tau = _tau[j] = Math.Max(0.5, stats.RingQuantile(Quantiles[j]));
            _newAnswerBy[j] = stats.AnsweredWithin(tau);
            // Calls we will launch in the coming seconds, at the pace we have been launching, answered
            // before this one (a shorter ring) take operators first: a Poisson number of them.
            double mass = 0;
            for (var u = 0.5; u < tau; u += 1) mass += stats.AnsweredWithin(u) * Math.Min(1, tau - u + 0.5);
            _laterAnswers[j] = _launchRate * mass;
            Build(j, s, stats, tau, tau + grace);
        }

        var launch = 0;
        while (launch < room)
        {
            double risk = 0;
            for (var j = 0; j < Quantiles.Length; j++) risk += LowerTail(j);
            risk /= Quantiles.Length;
            if (risk > theta) break;
            launch++;
            for (var j = 0; j < Quantiles.Length; j++) AddCall(j, _newAnswerBy[j]);
            if (person <= 0) break;
        }
        _launchRate += (launch - _launchRate * _dt) / LaunchRateSeconds;
        if (_launchRate < 0) _launchRate = 0;
        var why = launch > 0 ? PacingHold.None
            : theta <= ThetaMin * 1.01 ? PacingHold.AbandonBudgetSpent
            : s.OperatorsReady == 0 ? PacingHold.NoReadyOperators : PacingHold.LinesFull;
        return new PacingDecision(launch, PacingGuards.Level(s, launch), why);
    }

    /// <summary>
    /// θ: the highest abandon risk a new call may carry. Budget B = target × answered − abandoned;
    /// slack = B ÷ (what 15 minutes at full occupancy would add to it). θ drifts up while the slack is over 1
    /// and down while under, is cut at once (squared) below half the reserve, and all but closed when the
    /// window would end over the limit itself.
    /// </summary>
    double Controller(in PacingSnapshot s, DialerStats stats)
    {
        var now = s.Now.Ticks / (double)TimeSpan.TicksPerSecond;
        var dt = _dt = double.IsNaN(_lastNow) ? 0 : Math.Clamp(now - _lastNow, 0, 60);
        _lastNow = now;
        var target = Settings.TargetShareOfLimit * s.AbandonLimit;
        // Budget B = target × answered − abandoned, with answered counted as at least what a quarter hour at
        // full occupancy answers (so the first abandons of a day do not stop it cold).
        var perHour = Math.Max(1, s.OperatorsLoggedIn) * 3600 / Math.Max(10, stats.MeanTalk + stats.MeanWrapUp);
        var quarter = Math.Max(BudgetPrior, perHour * 0.25);
        var budget = target * Math.Max(s.WindowAnswered, quarter) - s.WindowAbandoned;
        var scale = Math.Max(1.5, target * quarter);
        var slack = budget / scale;
        _logTheta = Math.Clamp(_logTheta + dt / ControllerSeconds * Math.Clamp(slack - 1, -1, 1), Math.Log(ThetaMin), Math.Log(ThetaMax));
        var theta = Math.Exp(_logTheta);
        // Past half the reserve, cut at once: squared, to nothing as the budget runs out.
        var reserve = Math.Clamp(2 * slack, 0, 1);
        theta *= reserve * reserve;
        // And never knowingly near the limit itself: when the window would close over it, even if the rest
        // of it ran at the target (a few abandons kept in hand: the calls already ringing can still bring
        // some), the risk allowed shrinks to almost none. The rest of the window is the rest of today's
        // calling time when known (a day window), else nothing (strict: the rate now).
        var rest = s.CallingTimeLeft is { } left ? Math.Max(0, left.TotalHours) * perHour * 0.8 : 0;
        var hard = Math.Clamp((s.AbandonLimit * (s.WindowAnswered + rest) - s.WindowAbandoned - target * rest - 1) / HardMargin, 0, 1);
        theta *= hard * hard;
        return Theta = Math.Max(ThetaMin, theta);
    }

    /// <summary>The distribution of operators free by <paramref name="freeBy"/> minus calls answered by
    /// <paramref name="answerBy"/>, as offset + a sum of Bernoulli successes.</summary>
    void Build(int j, in PacingSnapshot s, DialerStats stats, double answerBy, double freeBy)
    {
        var need = s.OperatorsTalking + s.OperatorsInWrapUp + s.CallsRinging + 2 + (int)Math.Min(int.MaxValue / 4, Settings.MaxLinesPerOperator * s.OperatorsLoggedIn);
        if (_dist[j].Length < need) _dist[j] = new double[Math.Max(need, _dist[j].Length * 2)];
        var d = _dist[j];
        d[0] = 1;
        _count[j] = 0;
        var offset = s.OperatorsReady - s.CallsWaiting;
        foreach (var e in s.TalkingSeconds) offset += Add(j, stats.FreeFromTalk(e, freeBy));
        foreach (var w in s.WrapUpSeconds) offset += Add(j, stats.FreeFromWrapUp(w, freeBy));
        // A ringing call answered takes an operator: as "+1 unless answered" with one less in the offset.
        foreach (var a in s.RingingSeconds) offset += Add(j, 1 - stats.AnswerProbability(a, answerBy)) - 1;
        _offset[j] = offset;
    }

    void AddCall(int j, double answeredBy) => _offset[j] += Add(j, 1 - answeredBy) - 1;

    /// <summary>Adds a Bernoulli(p) success to the sum; returns 1 when it is (all but) certain, to go in the offset instead.</summary>
    int Add(int j, double p)
    {
        if (p <= 1e-7) return 0;
        if (p >= 1 - 1e-7) return 1;
        var d = _dist[j];
        var n = ++_count[j];
        d[n] = d[n - 1] * p;
        for (var i = n - 1; i > 0; i--) d[i] = d[i] * (1 - p) + d[i - 1] * p;
        d[0] *= 1 - p;
        return 0;
    }

    /// <summary>P(offset + sum ≤ 0): no operator left for one more answered call.</summary>
    /// <remarks>With K ~ Poisson(later answers) taken away: Σ_k P(K = k) · P(sum ≤ k − offset).</remarks>
    double LowerTail(int j)
    {
        var c = -_offset[j];
        var d = _dist[j];
        var n = _count[j];
        var mu = _laterAnswers[j];
        var kMax = mu <= 0 ? 0 : Math.Min(500, (int)(mu + 8 * Math.Sqrt(mu) + 8));
        var pk = Math.Exp(-mu);
        double cdf = 0, tail = 0;
        var i = 0;
        for (var k = 0; k <= kMax; k++)
        {
            if (k > 0) pk *= mu / k;
            var limit = c + k;
            if (limit < 0) continue;
            if (limit >= n) { tail += pk; continue; }
            while (i <= limit) cdf += d[i++];
            tail += pk * Math.Min(1, cdf);
        }
        return Math.Min(1, tail);
    }
}
