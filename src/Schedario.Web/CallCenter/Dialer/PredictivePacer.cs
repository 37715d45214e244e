using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Dialer;

/// <summary>The predictive pacer's settings (the abandon limit itself comes with each snapshot).</summary>
/// <param name="TargetShareOfLimit">The abandon rate aimed at, as a share of the limit (0.3–0.95; default 0.95 = 2.85% of 3%).</param>
/// <param name="MaxLinesPerOperator">Never more calls in flight than this per logged-in operator (1–20).</param>
public sealed record PredictiveSettings(double TargetShareOfLimit = 0.95, double MaxLinesPerOperator = 8)
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
/// the calls launched before it in this decision), at five points of the learned ring-time distribution.
/// Calls are launched while that risk is under a threshold θ. θ is set so the window's rate lands on the
/// target: the rate the rest of the window may run at (what the budget leaves, spread over the answers
/// still to come today) divided by how many abandons per answer a unit of θ has brought so far (learned
/// from the campaign's own calls), with a guard that shuts θ down when the window would close over the limit.
/// </summary>
public sealed class PredictivePacer : IPacer
{
    // Where the new call's answer time is looked at: quantiles of the learned ring time, equal weights.
    static readonly double[] Quantiles = [0.1, 0.3, 0.5, 0.7, 0.9];
    const double ThetaMin = 0.002, ThetaMax = 0.6;
    /// <summary>The fewest answers the budget counts when the window's end is not known (strict mode).</summary>
    const double BudgetPrior = 40;
    /// <summary>The rate aimed at for the rest of the window stays within these shares of the target.</summary>
    const double RateFloor = 0.3, RateCeiling = 2;
    /// <summary>The calibration (abandons seen per abandon θ predicted) starts at 1, a calibrated risk model,
    /// with the weight of this many abandons.</summary>
    const double CalibrationPrior = 12;
    /// <summary>The calibration forgets (halves) past this many predicted abandons, so a long window follows drift.</summary>
    const double CalibrationCap = 500;
    /// <summary>Seconds over which the answers-per-hour measure is smoothed.</summary>
    const double AnswerRateSeconds = 600;
    /// <summary>The guard assumes the rest of the window can be run at this share of the target at the least.</summary>
    const double GuardRestShare = 0.8;
    /// <summary>Abandons kept in hand under the limit itself.</summary>
    const double HardMargin = 3;
    /// <summary>A call that has rung long enough is kept while its risk is under this many θ: a little more
    /// than a new call may carry, since hanging it up wastes the ring it had (1.0–2.0 measured alike, 1.5
    /// hangs up the fewest people for the same occupancy).</summary>
    const double HangUpThetaFactor = 1.5;
    /// <summary>Seconds ahead the hang-up pass looks: a call past the minimum ring that a person answers,
    /// answers within a few seconds (the learned ring times end by ~24 s).</summary>
    const double HangUpHorizon = 2;

    // Per look ahead (one per quantile, one more for the hang-up pass): operators free then, calls answered by then.
    static readonly int Slots = Quantiles.Length + 1;
    readonly double[][] _free = new double[Slots][];
    readonly int[] _freeTerms = new int[Slots], _freeCertain = new int[Slots];
    readonly double[][] _answered = new double[Slots][];
    readonly int[] _answeredCap = new int[Slots], _answeredCertain = new int[Slots];
    readonly double[] _tau = new double[Quantiles.Length];
    readonly double[] _newAnswerBy = new double[Quantiles.Length];
    // The hang-up pass: its own distribution, and the ages of the calls that may be hung up (oldest first).
    double[] _eligible = new double[16];
    int _eligibleCount, _kept;
    double _hangUpAfter = double.PositiveInfinity, _keptCutoff;
    int _keptAtCutoff;
    double _lastNow = double.NaN;
    long _lastAnswered = -1, _lastAbandoned;
    // Calibration: abandons seen, and the abandons θ predicted (θ in force × answers), since this pacer started.
    double _abandonsSeen, _abandonsPredicted;
    double _answersPerHour; // measured, smoothed; 0 until the first decision

    public PredictivePacer(PredictiveSettings? settings = null)
    {
        Settings = settings ?? new PredictiveSettings();
        var errors = Settings.Validate();
        if (errors.Any) throw new ValidationException(errors);
        for (var j = 0; j < Slots; j++)
        {
            _free[j] = new double[64];
            _answered[j] = new double[64];
        }
    }

    public PredictiveSettings Settings { get; }
    public string Name => "predictive";
    public bool BindsOperator => false;
    public TimeSpan OperatorLeadTime => TimeSpan.Zero;

    /// <summary>A θ held fixed instead of the controller's: the bench's sweep of the occupancy/abandon curve
    /// (<c>DIALER_FIXED_THETA</c>), never a production setting.</summary>
    internal double? FixedTheta { get; init; }

    /// <summary>The risk threshold after the last decision (for the wallboard and the tests).</summary>
    public double Theta { get; private set; }

    /// <summary>Abandons seen per abandon θ predicted so far (1 = the risk model is calibrated), for the tests.</summary>
    public double Calibration => (_abandonsSeen + CalibrationPrior) / (_abandonsPredicted + CalibrationPrior);

    public PacingDecision Decide(in PacingSnapshot s)
    {
        var stats = s.Stats ?? throw new ArgumentException("The snapshot has no DialerStats.", nameof(s));
        var theta = Controller(s, stats);
        if (FixedTheta is { } fixedTheta) theta = Theta = fixedTheta;
        // Calls already ringing are decided again even when nothing new may be dialed (operators gone to
        // pause, the list or the calling hours over): those no one will be free for are better hung up.
        var hangUp = ChooseHangUps(s, stats, theta * HangUpThetaFactor);
        if (PacingGuards.Check(s) is { } hold) return PacingDecision.None(hold) with { HangUp = hangUp };

        var maxLines = (long)Math.Floor(Settings.MaxLinesPerOperator * s.OperatorsLoggedIn);
        var room = Math.Min(maxLines - s.CallsRinging - s.CallsWaiting, s.NumbersLeft);
        if (room <= 0) return PacingDecision.None(PacingHold.LinesFull, PacingGuards.Level(s, 0)) with { HangUp = hangUp };

        var grace = s.AbandonAfterSeconds;
        var person = stats.PersonRate;
        for (var j = 0; j < Quantiles.Length; j++)
        {
            var tau = _tau[j] = Math.Max(0.5, stats.RingQuantile(Quantiles[j]));
            _newAnswerBy[j] = stats.AnsweredWithin(tau);
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
        var why = launch > 0 ? PacingHold.None
            : theta <= ThetaMin * 1.01 ? PacingHold.AbandonBudgetSpent
            : s.OperatorsReady == 0 ? PacingHold.NoReadyOperators : PacingHold.LinesFull;
        return new PacingDecision(launch, PacingGuards.Level(s, launch) - hangUp / (double)Math.Max(1, s.OperatorsLoggedIn), why, hangUp);
    }

    /// <summary>
    /// The calls that have rung long enough to be hung up are decided again, oldest first, as if each were
    /// being launched now: kept while the risk that no operator is free for it, were it answered in the next
    /// seconds, stays under the threshold; the rest (those that rang the shortest, the likeliest still to
    /// answer) are hung up. Returns how many.
    /// </summary>
    int ChooseHangUps(in PacingSnapshot s, DialerStats stats, double threshold)
    {
        _hangUpAfter = s.HangUpAfterSeconds is { } after and > 0 ? after : double.PositiveInfinity;
        _eligibleCount = _kept = 0;
        if (double.IsPositiveInfinity(_hangUpAfter)) return 0;
        foreach (var a in s.RingingSeconds)
        {
            if (a < _hangUpAfter) continue;
            if (_eligibleCount == _eligible.Length) Array.Resize(ref _eligible, _eligible.Length * 2);
            _eligible[_eligibleCount++] = a;
        }
        if (_eligibleCount == 0) return 0;
        Array.Sort(_eligible, 0, _eligibleCount);
        Array.Reverse(_eligible, 0, _eligibleCount);

        var h = HangUpHorizon;
        var slot = Quantiles.Length; // the extra distribution
        Build(slot, s, stats, h, h + s.AbandonAfterSeconds, hangUpPass: true);
        while (_kept < _eligibleCount)
        {
            if (LowerTail(slot) > threshold) break;
            AddCall(slot, stats.AnswerProbability(_eligible[_kept], h));
            _kept++;
        }
        _keptCutoff = _kept > 0 ? _eligible[_kept - 1] : double.PositiveInfinity;
        _keptAtCutoff = 0;
        for (var i = 0; i < _kept; i++) if (_eligible[i] == _keptCutoff) _keptAtCutoff++;
        return _eligibleCount - _kept;
    }

    /// <summary>
    /// θ: the highest abandon risk a new call may carry. Feed-forward on the budget, not an integrator that
    /// wanders with every cluster of abandons (a θ that moves about costs occupancy for the same abandons):
    /// r* = the rate the rest of the window may run at for the window to end on the target (the budget left,
    /// target × (answered + answers still to come) − abandoned, over the answers still to come: the rest of
    /// today's calling time at the measured answers per hour), kept within 0.3–2 × the target; θ = r* ÷ the
    /// calibration (abandons seen per abandon predicted by the θ in force when each answer came). Then the
    /// guard on the limit itself: when the window would close over it even with the rest run at 0.8 × the
    /// target (three abandons kept in hand for the calls still ringing), θ shrinks to almost nothing.
    /// Without the window's end (calling time unknown) the rest is not counted: r* = the target plus the
    /// budget's share of the window, and the guard holds the rate now.
    /// </summary>
    double Controller(in PacingSnapshot s, DialerStats stats)
    {
        var now = s.Now.Ticks / (double)TimeSpan.TicksPerSecond;
        var dt = double.IsNaN(_lastNow) ? 0 : Math.Clamp(now - _lastNow, 0, 60);
        _lastNow = now;
        var target = Settings.TargetShareOfLimit * s.AbandonLimit;

        // What came since the last decision (a rolling window can also lose counts: never negative).
        var newAnswers = _lastAnswered < 0 ? 0 : Math.Max(0, s.WindowAnswered - _lastAnswered);
        var newAbandons = _lastAnswered < 0 ? 0 : Math.Max(0, s.WindowAbandoned - _lastAbandoned);
        _lastAnswered = s.WindowAnswered;
        _lastAbandoned = s.WindowAbandoned;
        _abandonsSeen += newAbandons;
        _abandonsPredicted += newAnswers * Theta;
        if (_abandonsPredicted > CalibrationCap)
        {
            _abandonsSeen *= 0.5;
            _abandonsPredicted *= 0.5;
        }
        var calibration = Math.Clamp(Calibration, 0.1, 10);

        // Answers per hour: measured over ~10 minutes, starting from 85% of what full occupancy would answer.
        if (_answersPerHour <= 0)
            _answersPerHour = 0.85 * Math.Max(1, s.OperatorsLoggedIn) * 3600 / Math.Max(10, stats.MeanTalk + stats.MeanWrapUp);
        if (dt > 0) _answersPerHour += (newAnswers * 3600 - _answersPerHour * dt) / AnswerRateSeconds;

        double rate, restAnswers;
        if (s.CallingTimeLeft is { } left)
        {
            restAnswers = Math.Max(0, left.TotalHours) * _answersPerHour;
            rate = (target * (s.WindowAnswered + restAnswers) - s.WindowAbandoned) / Math.Max(1, restAnswers);
        }
        else
        {
            restAnswers = 0;
            var counted = Math.Max(s.WindowAnswered, BudgetPrior);
            rate = target + (target * counted - s.WindowAbandoned) / counted;
        }
        var theta = Math.Clamp(rate, RateFloor * target, RateCeiling * target) / calibration;

        // Never knowingly near the limit itself.
        var rest = restAnswers * 0.9;
        var hard = Math.Clamp((s.AbandonLimit * (s.WindowAnswered + rest) - s.WindowAbandoned - GuardRestShare * target * rest - 1) / HardMargin, 0, 1);
        theta *= hard * hard;
        return Theta = Math.Clamp(theta, ThetaMin, ThetaMax);
    }

    /// <summary>
    /// For one look ahead: the operators free by <paramref name="freeBy"/> (the ready ones, and each talking or
    /// wrapping-up one with its own probability) and the calls answered by <paramref name="answerBy"/> (the
    /// waiting ones, and each ringing call with its own probability), each as a count of certain ones plus a
    /// Poisson-binomial. The answers' distribution is kept exactly only up to the most operators there can be
    /// (more answers than that all mean "no operator"), so a campaign with hundreds of calls ringing costs
    /// calls × operators, not calls².
    /// </summary>
    void Build(int j, in PacingSnapshot s, DialerStats stats, double answerBy, double freeBy, bool hangUpPass = false)
    {
        var ops = s.OperatorsTalking + s.OperatorsInWrapUp;
        if (_free[j].Length < ops + 1) _free[j] = new double[Math.Max(ops + 1, _free[j].Length * 2)];
        var f = _free[j];
        f[0] = 1;
        _freeTerms[j] = 0;
        _freeCertain[j] = s.OperatorsReady;
        foreach (var e in s.TalkingSeconds) AddFree(j, stats.FreeFromTalk(e, freeBy));
        foreach (var w in s.WrapUpSeconds) AddFree(j, stats.FreeFromWrapUp(w, freeBy));

        var cap = _freeCertain[j] + _freeTerms[j] + 1;
        if (_answered[j].Length < cap + 1) _answered[j] = new double[Math.Max(cap + 1, _answered[j].Length * 2)];
        var a = _answered[j];
        Array.Clear(a, 0, cap + 1);
        a[0] = 1;
        _answeredCap[j] = cap;
        _answeredCertain[j] = s.CallsWaiting;
        var tiesKept = _keptAtCutoff;
        foreach (var age in s.RingingSeconds)
        {
            if (age >= _hangUpAfter)
            {
                // The hang-up pass decides these itself; later passes count only the calls it kept.
                if (hangUpPass) continue;
                if (age < _keptCutoff) continue;
                if (age == _keptCutoff && tiesKept-- <= 0) continue;
            }
            AddCall(j, stats.AnswerProbability(age, answerBy));
        }
    }

    void AddFree(int j, double q)
    {
        if (q <= 1e-7) return;
        if (q >= 1 - 1e-7) { _freeCertain[j]++; return; }
        var f = _free[j];
        var n = ++_freeTerms[j];
        f[n] = f[n - 1] * q;
        for (var i = n - 1; i > 0; i--) f[i] = f[i] * (1 - q) + f[i - 1] * q;
        f[0] *= 1 - q;
    }

    /// <summary>One more call that a person answers by then with probability <paramref name="p"/>.</summary>
    void AddCall(int j, double p)
    {
        if (p <= 1e-7) return;
        if (p >= 1 - 1e-7) { _answeredCertain[j]++; return; }
        var a = _answered[j];
        var k = _answeredCap[j];
        // The mass pushed past k leaves the array: "more answers than operators", counted by LowerTail as 1 − the rest.
        for (var i = k; i > 0; i--) a[i] = a[i] * (1 - p) + a[i - 1] * p;
        a[0] *= 1 - p;
    }

    /// <summary>P(answered ≥ free): no operator left for one more answered call.</summary>
    double LowerTail(int j)
    {
        var f = _free[j];
        var a = _answered[j];
        var k = _answeredCap[j];
        var shift = _freeCertain[j] - _answeredCertain[j];
        double risk = 0, below = 0; // below = P(answered uncertain ≤ next − 1)
        var next = 0;
        for (var x = 0; x <= _freeTerms[j]; x++)
        {
            var c = shift + x; // operators free: the uncertain answers must reach c to take them all
            if (c <= 0) { risk += f[x]; continue; }
            while (next <= c - 1 && next <= k) below += a[next++];
            risk += f[x] * Math.Max(0, 1 - below);
        }
        return Math.Clamp(risk, 0, 1);
    }
}
