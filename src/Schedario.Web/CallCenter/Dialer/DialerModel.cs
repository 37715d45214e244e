using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Dialer;

/// <summary>
/// The world the simulator plays. Each number's fate (person, machine, fast fail, no answer), its ring
/// time and, if a person answers, the talk and wrap-up lengths are drawn from the seed and the number's
/// position in the list, so every mode meets the same people (common random numbers).
/// Distributions: person and machine answer after a lognormal ring (mean <see cref="RingMeanSeconds"/>,
/// sd <see cref="RingSdSeconds"/>, kept inside 2 s … ring-out − 1 s); no answer rings out at
/// <see cref="RingOutSeconds"/>; a fast fail ends uniformly within 1–5 s; a machine is detected and hung
/// up <see cref="MachineDetectSeconds"/> after it answers; talk is lognormal (mean 90 s, sd 70 s, at
/// least 5 s); wrap-up is lognormal (mean 10 s, sd 3 s).
/// </summary>
public sealed record DialerModel
{
    public int Operators { get; init; } = 20;
    /// <summary>Share of dialed numbers a person answers.</summary>
    public double AnswerRate { get; init; } = 0.25;
    public double MachineRate { get; init; } = 0.05;
    public double FastFailRate { get; init; } = 0.10;
    public double RingMeanSeconds { get; init; } = 12;
    public double RingSdSeconds { get; init; } = 5;
    public double RingOutSeconds { get; init; } = 25;
    public double MachineDetectSeconds { get; init; } = 3;
    public double TalkMeanSeconds { get; init; } = 90;
    public double TalkSdSeconds { get; init; } = 70;
    public double WrapUpMeanSeconds { get; init; } = 10;
    public double WrapUpSdSeconds { get; init; } = 3;
    public double DayHours { get; init; } = 8;
    public double AbandonAfterSeconds { get; init; } = 3;
    public double AbandonLimit { get; init; } = 0.03;
    /// <summary>The campaign's setting: seconds a call must ring before the dialer may hang it up unanswered
    /// (the product's default, 15 s); null = never, every call rings until it is answered or rings out.</summary>
    public double? HangUpAfterSeconds { get; init; } = 15;
    /// <summary>Hand dialing per number in manual mode.</summary>
    public double ManualDialSeconds { get; init; } = 8;
    /// <summary>Reading the record in preview mode.</summary>
    public double PreviewSeconds { get; init; } = 3;
    /// <summary>Numbers on the list; <see cref="long.MaxValue"/> = never runs out in a day.</summary>
    public long ListSize { get; init; } = long.MaxValue;
    public int Seed { get; init; } = 1;

    public FieldErrors Validate()
    {
        var e = new FieldErrors();
        if (Operators is < 1 or > 2000) e.Add(nameof(Operators), "Gli operatori devono essere tra 1 e 2000.");
        if (AnswerRate is <= 0 or > 1 || MachineRate < 0 || FastFailRate < 0 || AnswerRate + MachineRate + FastFailRate > 1)
            e.Add(nameof(AnswerRate), "Risposta, segreteria e fallimento rapido devono essere quote tra 0 e 1 con somma al più 1.");
        if (RingMeanSeconds <= 0 || RingSdSeconds < 0 || RingOutSeconds <= 3) e.Add(nameof(RingMeanSeconds), "Tempi di squillo non validi.");
        if (TalkMeanSeconds <= 0 || TalkSdSeconds < 0 || WrapUpMeanSeconds < 0 || WrapUpSdSeconds < 0) e.Add(nameof(TalkMeanSeconds), "Durate di conversazione o post-chiamata non valide.");
        if (DayHours is <= 0 or > 24) e.Add(nameof(DayHours), "La giornata deve durare tra 0 e 24 ore.");
        if (AbandonAfterSeconds < 0 || AbandonLimit is < 0 or > 1) e.Add(nameof(AbandonLimit), "Limite di abbandono non valido.");
        if (ListSize < 0) e.Add(nameof(ListSize), "La lista non può essere negativa.");
        return e;
    }

    /// <summary>What number <paramref name="index"/> of the list does when dialed.</summary>
    public NumberFate Fate(long index)
    {
        var rng = new SplitMix((ulong)Seed * 0x9E3779B97F4A7C15UL ^ (ulong)index * 0xBF58476D1CE4E5B9UL ^ 0x5DEECE66DUL);
        var u = rng.NextDouble();
        var result = u < AnswerRate ? CallResult.Person
            : u < AnswerRate + MachineRate ? CallResult.Machine
            : u < AnswerRate + MachineRate + FastFailRate ? CallResult.Failed
            : CallResult.NoAnswer;
        var ring = result switch
        {
            CallResult.Person or CallResult.Machine => Math.Clamp(LogNormal(ref rng, RingMeanSeconds, RingSdSeconds), 2, RingOutSeconds - 1),
            CallResult.Failed => 1 + 4 * rng.NextDouble(),
            _ => RingOutSeconds,
        };
        var talk = Math.Max(5, LogNormal(ref rng, TalkMeanSeconds, TalkSdSeconds));
        var wrap = Math.Max(0, LogNormal(ref rng, WrapUpMeanSeconds, WrapUpSdSeconds));
        return new NumberFate(result, ring, talk, wrap);
    }

    static double LogNormal(ref SplitMix rng, double mean, double sd)
    {
        if (sd <= 0 || mean <= 0) return mean;
        var s2 = Math.Log(1 + sd * sd / (mean * mean));
        return Math.Exp(Math.Log(mean) - s2 / 2 + Math.Sqrt(s2) * rng.NextGaussian());
    }
}

/// <summary>A number's fate: what answers and after how long (<see cref="RingSeconds"/> is also the time to
/// fail or ring out), and how long the talk and wrap-up last if a person answers.</summary>
public readonly record struct NumberFate(CallResult Result, double RingSeconds, double TalkSeconds, double WrapUpSeconds);

/// <summary>SplitMix64: tiny, fast, and the same on every machine (System.Random's algorithm is not a contract).</summary>
struct SplitMix(ulong state)
{
    ulong _state = state;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    public double NextGaussian()
    {
        var u1 = 1 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
