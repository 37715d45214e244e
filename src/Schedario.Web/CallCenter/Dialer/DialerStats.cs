namespace Schedario.Web.CallCenter.Dialer;

/// <summary>How a placed call ended up, as the gateway reports it.</summary>
public enum CallResult
{
    /// <summary>A person answered (whether an operator took the call or it was abandoned).</summary>
    Person,
    /// <summary>An answering machine answered (detected and ended by the gateway; counted apart).</summary>
    Machine,
    /// <summary>Busy, unreachable, congestion: ended without ringing long.</summary>
    Failed,
    /// <summary>Rang out unanswered.</summary>
    NoAnswer,
}

/// <summary>
/// What a campaign has learned from its own completed calls: the share of each <see cref="CallResult"/>,
/// how long each takes to happen (ring time to answer, to ring-out, to fail), talk and wrap-up durations.
/// Starts from priors worth a few calls and forgets slowly (weights halve when they pile up), so a
/// campaign whose answer rate drifts through the day follows it. Not thread-safe: one per campaign,
/// fed and read by its dialer loop.
/// </summary>
public sealed class DialerStats
{
    const int Kinds = 4;
    readonly double[] _resultWeight = new double[Kinds];
    readonly OnlineHistogram[] _resultTime = new OnlineHistogram[Kinds];
    readonly OnlineHistogram _talk;
    readonly OnlineHistogram _wrap;
    readonly double _resultCap;

    /// <param name="priorPersonRate">Prior share of calls a person answers. A prior above the truth dials
    /// fewer calls while learning, the safe side for abandons.</param>
    /// <param name="priorWeight">How many calls the priors are worth.</param>
    public DialerStats(double priorPersonRate = 0.30, double priorWeight = 20, double forgetAfterCalls = 4000)
    {
        _resultCap = forgetAfterCalls;
        var p = Math.Clamp(priorPersonRate, 0.01, 0.9);
        _resultWeight[(int)CallResult.Person] = p * priorWeight;
        _resultWeight[(int)CallResult.Machine] = 0.05 * priorWeight;
        _resultWeight[(int)CallResult.Failed] = 0.10 * priorWeight;
        _resultWeight[(int)CallResult.NoAnswer] = Math.Max(0.05, 0.85 - p) * priorWeight;
        // Times to the result in 1 s bins up to 2 minutes; priors are broad bells.
        for (var k = 0; k < Kinds; k++) _resultTime[k] = new OnlineHistogram(1, 120, forgetAfterCalls);
        _resultTime[(int)CallResult.Person].AddPrior(mean: 12, sd: 6, weight: 5);
        _resultTime[(int)CallResult.Machine].AddPrior(mean: 14, sd: 6, weight: 3);
        _resultTime[(int)CallResult.Failed].AddPrior(mean: 4, sd: 2, weight: 3);
        _resultTime[(int)CallResult.NoAnswer].AddPrior(mean: 30, sd: 5, weight: 2);
        _talk = new OnlineHistogram(2, 3600, forgetAfterCalls);
        _talk.AddPrior(mean: 120, sd: 90, weight: 5);
        _wrap = new OnlineHistogram(1, 900, forgetAfterCalls);
        _wrap.AddPrior(mean: 15, sd: 8, weight: 3);
    }

    /// <summary>Calls whose result was recorded (no priors).</summary>
    public long CallsLearned { get; private set; }
    public long TalksLearned { get; private set; }
    public long WrapUpsLearned { get; private set; }
    /// <summary>Calls the dialer hung up while they rang (their result unknown).</summary>
    public long HangUpsLearned { get; private set; }

    /// <summary>A placed call ended ringing: answered by a person or a machine after
    /// <paramref name="seconds"/>, failed or rang out after <paramref name="seconds"/>.</summary>
    public void RecordResult(CallResult result, double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) seconds = 0;
        _resultWeight[(int)result] += 1;
        _resultTime[(int)result].Add(seconds);
        CallsLearned++;
        var total = _resultWeight[0] + _resultWeight[1] + _resultWeight[2] + _resultWeight[3];
        if (total > _resultCap)
            for (var k = 0; k < Kinds; k++) _resultWeight[k] *= 0.5;
    }

    /// <summary>The dialer hung up a call that had rung <paramref name="seconds"/> unanswered. Its result is not
    /// known, only that it would have come later: the call is shared among the results still possible then, in
    /// proportion to how likely each is, and each share spread over that result's times beyond
    /// <paramref name="seconds"/> (the self-consistent estimate: counting it as a ring-out, or dropping it,
    /// would bias the rates, since the dialer chooses which calls to hang up).</summary>
    public void RecordHungUp(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) seconds = 0;
        double alive = 0;
        for (var k = 0; k < Kinds; k++) alive += _resultWeight[k] * _resultTime[k].Survival(seconds);
        if (alive <= 1e-12) return;
        Span<double> share = stackalloc double[Kinds];
        for (var k = 0; k < Kinds; k++) share[k] = _resultWeight[k] * _resultTime[k].Survival(seconds) / alive;
        for (var k = 0; k < Kinds; k++)
        {
            if (share[k] <= 0) continue;
            _resultWeight[k] += share[k];
            _resultTime[k].AddBeyond(seconds, share[k]);
        }
        HangUpsLearned++;
        var total = _resultWeight[0] + _resultWeight[1] + _resultWeight[2] + _resultWeight[3];
        if (total > _resultCap)
            for (var k = 0; k < Kinds; k++) _resultWeight[k] *= 0.5;
    }

    public void RecordTalk(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return;
        _talk.Add(seconds);
        TalksLearned++;
    }

    public void RecordWrapUp(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return;
        _wrap.Add(seconds);
        WrapUpsLearned++;
    }

    public double Rate(CallResult result)
    {
        var total = _resultWeight[0] + _resultWeight[1] + _resultWeight[2] + _resultWeight[3];
        return _resultWeight[(int)result] / total;
    }

    /// <summary>Share of placed calls a person answers.</summary>
    public double PersonRate => Rate(CallResult.Person);
    public double MachineRate => Rate(CallResult.Machine);
    public double MeanRingToAnswer => _resultTime[(int)CallResult.Person].Mean;
    public double MeanTalk => _talk.Mean;
    public double MeanWrapUp => _wrap.Mean;

    /// <summary>Mean seconds a placed call holds a line before it is answered or ends.</summary>
    public double MeanLineSeconds
    {
        get
        {
            double sum = 0;
            for (var k = 0; k < Kinds; k++) sum += Rate((CallResult)k) * _resultTime[k].Mean;
            return sum;
        }
    }

    /// <summary>The ring time by which a share <paramref name="p"/> of the person-answered calls are answered.</summary>
    public double RingQuantile(double p) => _resultTime[(int)CallResult.Person].Quantile(p);

    /// <summary>Probability that a new call is answered by a person within <paramref name="seconds"/>.</summary>
    public double AnsweredWithin(double seconds) => PersonRate * (1 - _resultTime[(int)CallResult.Person].Survival(seconds));

    /// <summary>Probability that a call ringing for <paramref name="age"/> seconds is answered by a person
    /// in the next <paramref name="horizon"/> seconds (given it is still ringing now).</summary>
    public double AnswerProbability(double age, double horizon)
    {
        double alive = 0;
        for (var k = 0; k < Kinds; k++) alive += _resultWeight[k] * _resultTime[k].Survival(age);
        if (alive <= 1e-12) return 0;
        var person = _resultTime[(int)CallResult.Person];
        var p = _resultWeight[(int)CallResult.Person] * (person.Survival(age) - person.Survival(age + horizon)) / alive;
        return Math.Clamp(p, 0, 1);
    }

    /// <summary>Probability that an operator who has talked for <paramref name="elapsed"/> seconds is free
    /// (talk and wrap-up done) within <paramref name="horizon"/> seconds.</summary>
    public double FreeFromTalk(double elapsed, double horizon) =>
        _talk.DoneWithin(elapsed, horizon - _wrap.Mean);

    /// <summary>Probability that an operator in wrap-up for <paramref name="elapsed"/> seconds is free within <paramref name="horizon"/> seconds.</summary>
    public double FreeFromWrapUp(double elapsed, double horizon) => _wrap.DoneWithin(elapsed, horizon);
}

/// <summary>Weighted histogram of durations in fixed bins (the last bin takes everything longer), with a lazily
/// rebuilt survival curve.</summary>
sealed class OnlineHistogram
{
    readonly double _width;
    readonly double[] _weight;
    readonly double[] _survival; // P(X > i·width), length bins + 1
    readonly double _cap;
    double _total, _sum;
    bool _dirty = true;

    public OnlineHistogram(double width, double max, double cap)
    {
        _width = width;
        _weight = new double[(int)Math.Ceiling(max / width)];
        _survival = new double[_weight.Length + 1];
        _cap = cap;
    }

    public double Mean => _total > 0 ? _sum / _total : 0;

    public void Add(double x, double w = 1)
    {
        var i = Math.Clamp((int)(x / _width), 0, _weight.Length - 1);
        _weight[i] += w;
        _total += w;
        _sum += w * Math.Min(x, _weight.Length * _width);
        _dirty = true;
        if (_total > _cap)
        {
            for (var j = 0; j < _weight.Length; j++) _weight[j] *= 0.5;
            _total *= 0.5;
            _sum *= 0.5;
        }
    }

    /// <summary>Adds <paramref name="w"/> spread over the times beyond <paramref name="x"/> in proportion to the
    /// weight already there (at the last bin when nothing is).</summary>
    public void AddBeyond(double x, double w)
    {
        var i0 = Math.Clamp((int)(x / _width), 0, _weight.Length - 1);
        var part = Math.Clamp(1 - (x / _width - i0), 0, 1);
        var tail = _weight[i0] * part;
        for (var i = i0 + 1; i < _weight.Length; i++) tail += _weight[i];
        if (tail <= 1e-12)
        {
            Add(Math.Max(x, (_weight.Length - 0.5) * _width), w);
            return;
        }
        for (var i = i0; i < _weight.Length; i++)
        {
            var wi = w * (i == i0 ? _weight[i] * part : _weight[i]) / tail;
            if (wi <= 0) continue;
            _weight[i] += wi;
            _total += wi;
            _sum += wi * (i + 0.5) * _width;
        }
        _dirty = true;
        if (_total > _cap)
        {
            for (var j = 0; j < _weight.Length; j++) _weight[j] *= 0.5;
            _total *= 0.5;
            _sum *= 0.5;
        }
    }

    /// <summary>Spreads <paramref name="weight"/> over a discretised lognormal with this mean and sd.</summary>
    public void AddPrior(double mean, double sd, double weight)
    {
        var s2 = Math.Log(1 + sd * sd / (mean * mean));
        var mu = Math.Log(mean) - s2 / 2;
        var s = Math.Sqrt(s2);
        Span<double> dens = stackalloc double[_weight.Length];
        double z = 0;
        for (var i = 0; i < _weight.Length; i++)
        {
            var x = (i + 0.5) * _width;
            var u = (Math.Log(x) - mu) / s;
            dens[i] = Math.Exp(-0.5 * u * u) / x;
            z += dens[i];
        }
        if (z <= 0) return;
        for (var i = 0; i < _weight.Length; i++)
        {
            var w = weight * dens[i] / z;
            _weight[i] += w;
            _total += w;
            _sum += w * (i + 0.5) * _width;
        }
        _dirty = true;
    }

    void Rebuild()
    {
        var acc = 0.0;
        _survival[0] = 1;
        for (var i = 0; i < _weight.Length; i++)
        {
            acc += _weight[i];
            _survival[i + 1] = _total > 0 ? Math.Max(0, 1 - acc / _total) : 0;
        }
        _survival[^1] = 0;
        _dirty = false;
    }

    /// <summary>P(X &gt; x), linear within a bin.</summary>
    public double Survival(double x)
    {
        if (_dirty) Rebuild();
        if (x <= 0) return 1;
        var f = x / _width;
        var i = (int)f;
        if (i >= _weight.Length) return 0;
        var t = f - i;
        return _survival[i] + (_survival[i + 1] - _survival[i]) * t;
    }

    /// <summary>P(X ≤ elapsed + h | X &gt; elapsed).</summary>
    public double DoneWithin(double elapsed, double h)
    {
        if (h <= 0) return 0;
        var alive = Survival(elapsed);
        // Longer than anything seen: an exponential tail with the mean, not "about to end".
        if (alive <= 1e-9) return 1 - Math.Exp(-h / Math.Max(1, Mean));
        return Math.Clamp(1 - Survival(elapsed + h) / alive, 0, 1);
    }

    public double Quantile(double p)
    {
        if (_dirty) Rebuild();
        var target = 1 - p;
        for (var i = 0; i < _weight.Length; i++)
        {
            if (_survival[i + 1] <= target)
            {
                var a = _survival[i];
                var b = _survival[i + 1];
                var t = a - b > 1e-12 ? (a - target) / (a - b) : 0;
                return (i + t) * _width;
            }
        }
        return _weight.Length * _width;
    }
}
