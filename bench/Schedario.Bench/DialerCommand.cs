using System.Diagnostics;
using System.Globalization;
using Schedario.Web.CallCenter.Dialer;

namespace Schedario.Bench;

/// <summary>
/// <c>dialer [point|grid|decide] [operators=20] [answerRate=0.25] [seeds=10]</c>: simulated calling days of
/// every mode (docs/benchmarks.md, "Dialer (issue 6)"). Runs are independent and deterministic; they go
/// over at most two threads (the machine is shared).
/// </summary>
static class DialerCommand
{
    static readonly SimulatedMode[] Modes =
        [SimulatedMode.Manual, SimulatedMode.Preview, SimulatedMode.Power, SimulatedMode.Predictive, SimulatedMode.Vicidial, SimulatedMode.Oracle];

    public static int Run(string[] args)
    {
        var what = args.Length > 1 ? args[1] : "point";
        var ops = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
        var rate = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 0.25;
        var seeds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 10;
        var threads = Environment.GetEnvironmentVariable("DIALER_THREADS") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : 2;
        Console.WriteLine($"dialer {what}: {Environment.ProcessorCount} cores, {threads} threads, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        PrintModel(WithHangUpFromEnvironment(new DialerModel()));
        var sw = Stopwatch.StartNew();
        switch (what)
        {
            case "point":
                var point = RunPoint(ops, rate, seeds, threads);
                PrintPoint(point);
                PrintTargets(point);
                Decide();
                break;
            case "grid":
                var points = new List<Point>();
                foreach (var o in new[] { 5, 20, 50 })
                    foreach (var a in new[] { 0.10, 0.25, 0.40 })
                    {
                        var p = RunPoint(o, a, seeds, threads);
                        points.Add(p);
                        PrintPoint(p);
                        Console.Out.Flush();
                    }
                PrintGrid(points);
                break;
            case "decide":
                Decide();
                break;
            default:
                throw new ArgumentException($"Unknown dialer command '{what}': point, grid or decide.");
        }
        Console.WriteLine($"elapsed {sw.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    static void PrintModel(DialerModel m) => Console.WriteLine(
        $"model: {m.DayHours} h day; person answers after lognormal ring mean {m.RingMeanSeconds} s sd {m.RingSdSeconds} s (2..{m.RingOutSeconds - 1} s); " +
        $"no answer rings out at {m.RingOutSeconds} s; fast fail {m.FastFailRate:P0} in 1-5 s; machine {m.MachineRate:P0} (detected {m.MachineDetectSeconds} s after answer); " +
        $"talk lognormal mean {m.TalkMeanSeconds} s sd {m.TalkSdSeconds} s; wrap-up lognormal mean {m.WrapUpMeanSeconds} s sd {m.WrapUpSdSeconds} s; " +
        $"abandon after {m.AbandonAfterSeconds} s, limit {m.AbandonLimit:P0}; {(m.HangUpAfterSeconds is { } hu ? $"predictive may hang up a call unanswered after {hu} s of ringing" : "predictive never hangs up a ringing call")}; manual {m.ManualDialSeconds} s, preview {m.PreviewSeconds} s; power 2.0 lines per ready operator; " +
        "VICIdial-style: ADAPT_TAPERED, start 1.0, max 3.0, intensity 0, available-only tally off, offset 0, update 15 s, averages over 60 s");

    sealed record Point(int Operators, double AnswerRate, Dictionary<SimulatedMode, DialerRunResult[]> Runs)
    {
        public DialerRunResult[] this[SimulatedMode m] => Runs[m];
        public double Mean(SimulatedMode m, Func<DialerRunResult, double> f) => Runs[m].Average(f);
        public double Max(SimulatedMode m, Func<DialerRunResult, double> f) => Runs[m].Max(f);
    }

    static Point RunPoint(int ops, double rate, int seeds, int threads)
    {
        var jobs = (from mode in Modes from seed in Enumerable.Range(1, seeds) select (mode, seed)).ToArray();
        var results = new DialerRunResult[jobs.Length];
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            var model = new DialerModel { Operators = ops, AnswerRate = rate, Seed = jobs[i].seed };
            // Sensitivity: DIALER_TALK_SD=1 makes talk lengths (almost) known in advance.
            if (Environment.GetEnvironmentVariable("DIALER_TALK_SD") is { } sd) model = model with { TalkSdSeconds = double.Parse(sd, CultureInfo.InvariantCulture) };
            // DIALER_HOURS=1: a shorter day (is the cold start, while the pacer learns, what costs occupancy?).
            if (Environment.GetEnvironmentVariable("DIALER_HOURS") is { } h) model = model with { DayHours = double.Parse(h, CultureInfo.InvariantCulture) };
            model = WithHangUpFromEnvironment(model);
            results[i] = jobs[i].mode == SimulatedMode.Predictive && (PredictiveOverride() is not null || FixedTheta() is not null)
                ? DialerSimulation.Run(model, new PredictivePacer(PredictiveOverride()) { FixedTheta = FixedTheta() })
                : DialerSimulation.Run(model, jobs[i].mode);
        });
        return new Point(ops, rate, Modes.ToDictionary(m => m, m => results.Where((_, i) => jobs[i].mode == m).ToArray()));
    }

    /// <summary>DIALER_HANGUP_AFTER=off: calls ring until answered or rung out (the campaign never hangs up, as
    /// before ADR 0021); a number: that minimum ring. Unset: the product's default (15 s).</summary>
    internal static DialerModel WithHangUpFromEnvironment(DialerModel model) =>
        Environment.GetEnvironmentVariable("DIALER_HANGUP_AFTER") is { } hu
            ? model with { HangUpAfterSeconds = hu == "off" ? null : double.Parse(hu, CultureInfo.InvariantCulture) }
            : model;

    /// <summary>DIALER_TARGET_SHARE (0.3–0.95) runs the predictive pacer at another margin under the limit.</summary>
    static PredictiveSettings? PredictiveOverride() =>
        Environment.GetEnvironmentVariable("DIALER_TARGET_SHARE") is { } v
            ? new PredictiveSettings(TargetShareOfLimit: double.Parse(v, CultureInfo.InvariantCulture))
            : null;

    /// <summary>DIALER_FIXED_THETA holds the predictive pacer's risk threshold fixed (no controller): a sweep of it
    /// traces how much occupancy each abandon rate buys (docs/benchmarks.md). The limit is not enforced then.</summary>
    static double? FixedTheta() =>
        Environment.GetEnvironmentVariable("DIALER_FIXED_THETA") is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : null;

    static string F(double v, string fmt = "0.0") => v.ToString(fmt, CultureInfo.InvariantCulture);

    static void PrintPoint(Point p)
    {
        Console.WriteLine();
        Console.WriteLine($"## {p.Operators} operators, {p.AnswerRate:P0} answer rate, {p[SimulatedMode.Predictive].Length} seeds (means; abandon: mean / max over seeds; worst rolling hour: max)");
        Console.WriteLine("| mode | talk min / op-hour | occupancy (talk ÷ logged) | talk ÷ (talk+wrap) | abandon day mean / max | worst hour | calls / h | answered / day | machines / day |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var m in Modes)
        {
            var r = p[m];
            Console.WriteLine($"| {r[0].Mode} | {F(p.Mean(m, x => x.TalkMinutesPerOperatorHour), "0.00")} | {F(p.Mean(m, x => x.Occupancy), "0.000")} | {F(p.Mean(m, x => x.TalkShare), "0.000")} | " +
                $"{F(100 * p.Mean(m, x => x.AbandonRate), "0.00")}% / {F(100 * p.Max(m, x => x.AbandonRate), "0.00")}% | {F(100 * p.Max(m, x => x.WorstHourAbandonRate), "0.00")}% | " +
                $"{F(p.Mean(m, x => x.CallsPerHour), "0")} | {F(p.Mean(m, x => x.AnsweredByPerson), "0")} | {F(p.Mean(m, x => x.Machines), "0")} |");
        }
        double Talk(SimulatedMode m) => p.Mean(m, x => x.TalkMinutesPerOperatorHour);
        var pred = Talk(SimulatedMode.Predictive);
        Console.WriteLine($"predictive ÷ preview {F(pred / Talk(SimulatedMode.Preview), "0.00")}, ÷ manual {F(pred / Talk(SimulatedMode.Manual), "0.00")}, " +
            $"÷ VICIdial-style {F(pred / Talk(SimulatedMode.Vicidial), "0.00")}, ÷ power {F(pred / Talk(SimulatedMode.Power), "0.00")}, " +
            $"occupancy ÷ oracle {F(p.Mean(SimulatedMode.Predictive, x => x.Occupancy) / p.Mean(SimulatedMode.Oracle, x => x.Occupancy), "0.000")}");
        Console.WriteLine($"predictive hung up while ringing: {F(p.Mean(SimulatedMode.Predictive, x => x.HungUp), "0")} calls / day, of which a person would have answered {F(p.Mean(SimulatedMode.Predictive, x => x.HungUpPersons), "0")}");
    }

    static void PrintTargets(Point p)
    {
        double Talk(SimulatedMode m) => p.Mean(m, x => x.TalkMinutesPerOperatorHour);
        var pred = Talk(SimulatedMode.Predictive);
        var maxAbandon = p.Max(SimulatedMode.Predictive, x => x.AbandonRate);
        var occ = p.Mean(SimulatedMode.Predictive, x => x.Occupancy) / p.Mean(SimulatedMode.Oracle, x => x.Occupancy);
        Console.WriteLine();
        Console.WriteLine($"targets at {p.Operators} operators × {p.AnswerRate:P0}:");
        // The ratios to preview and manual are issue 6's targets at 20 operators; small teams have the 0.65 one.
        if (p.Operators > 5)
        {
            Verdict("talk ÷ preview ≥ 1.6", pred / Talk(SimulatedMode.Preview), 1.6);
            Verdict("talk ÷ manual ≥ 1.75", pred / Talk(SimulatedMode.Manual), 1.75);
        }
        Console.WriteLine($"  abandon over the day ≤ 3% in every seed: max {F(100 * maxAbandon, "0.00")}% → {(maxAbandon <= 0.03 ? "PASS" : "FAIL")}");
        Verdict("occupancy ÷ oracle ≥ 0.90 (0.65 for 5 operators)", occ, p.Operators <= 5 ? 0.65 : 0.90);
        Verdict("talk ≥ VICIdial-style", pred / Talk(SimulatedMode.Vicidial), 1.0);
    }

    static void Verdict(string what, double value, double target) =>
        Console.WriteLine($"  {what}: {F(value, "0.000")} → {(value >= target ? "PASS" : "FAIL")}");

    static void PrintGrid(List<Point> points)
    {
        Console.WriteLine();
        Console.WriteLine("## Grid summary: predictive vs the others (talk min / op-hour ratios; occupancy ÷ oracle; abandon: day max over seeds, worst rolling hour max over seeds)");
        Console.WriteLine("| ops × answer | pred talk | ÷ manual | ÷ preview | ÷ VICIdial | ÷ oracle (occ.) | pred abandon day max | pred worst hour | VICIdial abandon day max | VICIdial worst hour | ≤ 3% every seed and ≥ VICIdial |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        var all = true;
        foreach (var p in points)
        {
            double Talk(SimulatedMode m) => p.Mean(m, x => x.TalkMinutesPerOperatorHour);
            var pred = Talk(SimulatedMode.Predictive);
            var maxAb = p.Max(SimulatedMode.Predictive, x => x.AbandonRate);
            var occ = p.Mean(SimulatedMode.Predictive, x => x.Occupancy) / p.Mean(SimulatedMode.Oracle, x => x.Occupancy);
            // The grid's own target: within the limit in every seed, and at least the reference's talk time.
            var pass = maxAb <= 0.03 && pred >= Talk(SimulatedMode.Vicidial);
            all &= pass;
            Console.WriteLine($"| {p.Operators} × {p.AnswerRate:P0} | {F(pred, "0.00")} | {F(pred / Talk(SimulatedMode.Manual), "0.00")} | {F(pred / Talk(SimulatedMode.Preview), "0.00")} | " +
                $"{F(pred / Talk(SimulatedMode.Vicidial), "0.00")} | {F(occ, "0.000")} | {F(100 * maxAb, "0.00")}% | {F(100 * p.Max(SimulatedMode.Predictive, x => x.WorstHourAbandonRate), "0.00")}% | " +
                $"{F(100 * p.Max(SimulatedMode.Vicidial, x => x.AbandonRate), "0.00")}% | {F(100 * p.Max(SimulatedMode.Vicidial, x => x.WorstHourAbandonRate), "0.00")}% | {(pass ? "PASS" : "FAIL")} |");
        }
        Console.WriteLine($"grid (predictive ≤ 3% over the day in every seed and talk ≥ VICIdial-style at every point): {(all ? "PASS" : "FAIL")}");
        var headline = points.FirstOrDefault(p => p.Operators == 20 && p.AnswerRate == 0.25);
        var small = points.FirstOrDefault(p => p.Operators == 5 && p.AnswerRate == 0.25);
        if (headline is not null) PrintTargets(headline);
        if (small is not null) PrintTargets(small);
    }

    /// <summary>Decision time: the real snapshots of a predictive day at 50 operators × 10% (the most calls
    /// in flight of the grid), then a tight loop over one heavy snapshot.</summary>
    static void Decide()
    {
        // A first hour, not measured, so the JIT has compiled the optimised code a running dialer uses (the
        // first decisions of a process run unoptimised code: that is start-up, not the decision's cost).
        DialerSimulation.Run(new DialerModel { Operators = 50, AnswerRate = 0.10, Seed = 2, DayHours = 1 }, SimulatedMode.Predictive);
        var day = DialerSimulation.Run(new DialerModel { Operators = 50, AnswerRate = 0.10, Seed = 1, DayHours = 1 }, SimulatedMode.Predictive, measureDecisions: true);
        var us = day.DecisionMicroseconds.Order().ToArray();
        Console.WriteLine();
        Console.WriteLine($"pacing decision, predictive, 50 ops × 10%, one simulated hour ({us.Length} decisions on real snapshots): " +
            $"median {F(us[us.Length / 2], "0.0")} µs, p99 {F(us[(int)(us.Length * 0.99)], "0.0")} µs, max {F(us[^1], "0.0")} µs");

        var stats = new DialerStats();
        var rng = new Random(1);
        for (var i = 0; i < 2000; i++)
        {
            stats.RecordResult((CallResult)(i % 4), 5 + rng.NextDouble() * 20);
            stats.RecordTalk(30 + rng.NextDouble() * 120);
            stats.RecordWrapUp(8 + rng.NextDouble() * 4);
        }
        var talk = Enumerable.Range(0, 45).Select(i => i * 4.0).ToArray();
        var wrap = Enumerable.Range(0, 5).Select(i => i * 2.0).ToArray();
        var ring = Enumerable.Range(0, 150).Select(i => i % 25 + 0.5).ToArray();
        var pacer = new PredictivePacer();
        var times = new double[100_000];
        var cpu = new double[times.Length];
        var cpuClock = Schedario.Tests.Infrastructure.ThreadCpuClock.Available;
        var now = new DateTime(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < times.Length; i++)
        {
            var c0 = cpuClock ? Schedario.Tests.Infrastructure.ThreadCpuClock.Microseconds() : 0;
            var t0 = Stopwatch.GetTimestamp();
            pacer.Decide(new PacingSnapshot
            {
                Now = now.AddSeconds(i), OperatorsReady = 0, TalkingSeconds = talk, WrapUpSeconds = wrap, RingingSeconds = ring,
                WindowAnswered = 1000 + i, WindowAbandoned = 10, CallingTimeLeft = TimeSpan.FromHours(4), HangUpAfterSeconds = 15, Stats = stats,
            });
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            if (cpuClock) cpu[i] = Schedario.Tests.Infrastructure.ThreadCpuClock.Microseconds() - c0;
        }
        Array.Sort(times);
        Array.Sort(cpu);
        Console.WriteLine($"pacing decision, tight loop, 50 operators (45 talking, 5 in wrap-up) and 150 calls ringing (60 past the 15 s minimum ring, decided again), {times.Length} decisions: " +
            $"median {F(times[times.Length / 2], "0.0")} µs, p99 {F(times[(int)(times.Length * 0.99)], "0.0")} µs → {(times[(int)(times.Length * 0.99)] < 1000 ? "PASS" : "FAIL")} (< 1 ms)");
        // Wall time includes the slices the OS gives other processes on a loaded machine (a p99 of one
        // scheduler slice, ~4 ms, whatever the code); the thread's own CPU time is the decision's work.
        if (cpuClock)
            Console.WriteLine($"  same loop, thread CPU time per decision: median {F(cpu[cpu.Length / 2], "0.0")} µs, p99 {F(cpu[(int)(cpu.Length * 0.99)], "0.0")} µs, " +
                $"max {F(cpu[^1], "0.0")} µs → {(cpu[(int)(cpu.Length * 0.99)] < 1000 ? "PASS" : "FAIL")} (< 1 ms)");
    }
}
