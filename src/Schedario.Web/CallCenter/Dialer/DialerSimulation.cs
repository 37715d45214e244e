using System.Diagnostics;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Dialer;

/// <summary>The simulator's modes: the three we offer, the two human baselines and the two references.</summary>
public enum SimulatedMode { Manual, Preview, Power, Predictive, Vicidial, Oracle }

/// <summary>One simulated day of one mode.</summary>
public sealed record DialerRunResult(
    string Mode,
    int Operators,
    double AnswerRate,
    int Seed,
    double Hours,
    double TalkSeconds,
    double WrapUpSeconds,
    long CallsPlaced,
    long AnsweredByPerson,
    long Abandoned,
    long Machines,
    double WorstHourAbandonRate,
    long Decisions,
    double[] DecisionMicroseconds,
    long HungUp = 0,
    long HungUpPersons = 0)
{
    public double LoggedSeconds => Operators * Hours * 3600;
    public double TalkMinutesPerOperatorHour => TalkSeconds / 60 / (Operators * Hours);
    /// <summary>Talk ÷ logged time.</summary>
    public double Occupancy => TalkSeconds / LoggedSeconds;
    /// <summary>Talk ÷ (talk + wrap-up).</summary>
    public double TalkShare => TalkSeconds + WrapUpSeconds > 0 ? TalkSeconds / (TalkSeconds + WrapUpSeconds) : 0;
    /// <summary>Abandoned ÷ answered by a person, over the day.</summary>
    public double AbandonRate => AnsweredByPerson > 0 ? (double)Abandoned / AnsweredByPerson : 0;
    public double CallsPerHour => CallsPlaced / Hours;
}

/// <summary>
/// A discrete-event simulation of one calling day on virtual time (seconds from the start of the day),
/// driving the real <see cref="IPacer"/> classes and the real <see cref="DialerStats"/> learner through
/// the same snapshot the server-side dialer builds. The PBX is modelled in process (see ADR 0015 for why
/// not <c>SimulatedPbx</c>): a placed call rings, then is answered by a person or a machine, fails fast or
/// rings out, as <see cref="DialerModel.Fate"/> says. A person answered while no operator is free waits
/// up to the abandon grace for one, then the call is abandoned. Decisions are taken every second and
/// whenever an operator becomes ready. Deterministic for a model (and its seed).
/// </summary>
public static class DialerSimulation
{
    const double TickSeconds = 1;
    static readonly DateTime DayStart = new(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>The pacer a mode runs with, at the settings stated in docs/benchmarks.md.</summary>
    public static IPacer CreatePacer(SimulatedMode mode, DialerModel model) => mode switch
    {
        SimulatedMode.Manual => new PreviewPacer(new PreviewSettings(model.ManualDialSeconds), "manual"),
        SimulatedMode.Preview => new PreviewPacer(new PreviewSettings(model.PreviewSeconds)),
        SimulatedMode.Power => new PowerPacer(new PowerSettings(2.0)),
        SimulatedMode.Predictive => new PredictivePacer(),
        SimulatedMode.Vicidial => new VicidialAdaptivePacer(new VicidialSettings()),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "The oracle has no pacer: use RunOracle."),
    };

    public static DialerRunResult Run(DialerModel model, SimulatedMode mode, bool measureDecisions = false) =>
        mode == SimulatedMode.Oracle ? RunOracle(model) : Run(model, CreatePacer(mode, model), measureDecisions: measureDecisions);

    /// <summary>Runs one day with <paramref name="pacer"/> (a fresh one: pacers keep state) and a fresh learner.</summary>
    public static DialerRunResult Run(DialerModel model, IPacer pacer, DialerStats? stats = null, bool measureDecisions = false)
    {
        var errors = model.Validate();
        if (errors.Any) throw new ValidationException(errors);
        return new Engine(model, pacer, stats ?? new DialerStats(), measureDecisions).Run();
    }

    /// <summary>
    /// The upper bound: dials only the numbers a person will answer, each timed to answer the moment an
    /// operator frees up (the first call of the day answers after its own ring; it cannot be dialed before
    /// the day starts). No idle time but that first ring, no abandon.
    /// </summary>
    public static DialerRunResult RunOracle(DialerModel model)
    {
        var errors = model.Validate();
        if (errors.Any) throw new ValidationException(errors);
        var end = model.DayHours * 3600;
        var free = new PriorityQueue<int, (double, int)>();
        for (var i = 0; i < model.Operators; i++) free.Enqueue(i, (0, i));
        long next = 0, answered = 0;
        double talk = 0, wrap = 0;
        while (free.TryDequeue(out var op, out var at))
        {
            NumberFate fate;
            do
            {
                if (next >= model.ListSize) goto done;
                fate = model.Fate(next++);
            } while (fate.Result != CallResult.Person);
            var start = Math.Max(at.Item1, fate.RingSeconds);
            if (start >= end) continue;
            answered++;
            var talkEnd = Math.Min(end, start + fate.TalkSeconds);
            talk += talkEnd - start;
            var wrapEnd = Math.Min(end, talkEnd + fate.WrapUpSeconds);
            wrap += wrapEnd - talkEnd;
            if (wrapEnd < end) free.Enqueue(op, (wrapEnd, op));
        }
    done:
        return new DialerRunResult("oracle", model.Operators, model.AnswerRate, model.Seed, model.DayHours, talk, wrap,
            answered, answered, 0, 0, 0, 0, []);
    }

    enum OpState { Ready, Preparing, Talking, WrapUp }
    enum CallState { Ringing, Waiting, Connected, Done }
    enum Ev { Tick, Resolve, LeadDone, AbandonCheck, TalkEnd, WrapEnd }

    struct Operator
    {
        public OpState State;
        public double Since;
        public int Call;
    }

    struct SimCall
    {
        public NumberFate Fate;
        public double PlacedAt;
        public CallState State;
        public int Operator; // bound operator (preview), or the one connected; -1 none
        public int RingIndex;
    }

    sealed class Engine(DialerModel m, IPacer pacer, DialerStats stats, bool measure)
    {
        readonly PriorityQueue<(Ev Kind, int Id), (double, long)> _events = new();
        readonly Operator[] _ops = new Operator[m.Operators];
        readonly List<SimCall> _calls = new(4096);
        readonly List<int> _ringing = new(256);
        readonly List<int> _hangUpScratch = new(64);
        internal long _hungUp, _hungUpPersons;
        readonly Queue<int> _ready = new();
        readonly Queue<int> _waiting = new();
        readonly double _end = m.DayHours * 3600;
        readonly long[] _answeredMin = new long[(int)Math.Ceiling(m.DayHours * 60) + 1];
        readonly long[] _abandonedMin = new long[(int)Math.Ceiling(m.DayHours * 60) + 1];
        readonly List<double> _decisionMicros = [];
        double[] _talkAges = new double[m.Operators], _wrapAges = new double[m.Operators], _ringAges = new double[256];
        long _seq, _nextNumber, _answered, _abandoned, _machines, _decisions;
        int _waitingCount, _preparing;
        double _now, _talk, _wrap;

        void At(double t, Ev kind, int id = 0) => _events.Enqueue((kind, id), (t, _seq++));

        public DialerRunResult Run()
        {
            for (var i = 0; i < _ops.Length; i++)
            {
                _ops[i] = new Operator { State = OpState.Ready, Since = 0, Call = -1 };
                _ready.Enqueue(i);
            }
            At(0, Ev.Tick);
            while (_events.TryDequeue(out var e, out var key))
            {
                if (key.Item1 >= _end) break;
                _now = key.Item1;
                switch (e.Kind)
                {
                    case Ev.Tick: Decide(); At(_now + TickSeconds, Ev.Tick); break;
                    case Ev.Resolve: Resolve(e.Id); break;
                    case Ev.LeadDone: Place(e.Id); break;
                    case Ev.AbandonCheck: AbandonCheck(e.Id); break;
                    case Ev.TalkEnd: TalkEnd(e.Id); break;
                    case Ev.WrapEnd: WrapEnd(e.Id); break;
                }
            }
            // The day ends: count the talk and wrap-up under way up to the end.
            for (var i = 0; i < _ops.Length; i++)
            {
                if (_ops[i].State == OpState.Talking) _talk += _end - _ops[i].Since;
                else if (_ops[i].State == OpState.WrapUp) _wrap += _end - _ops[i].Since;
            }
            return new DialerRunResult(pacer.Name, m.Operators, m.AnswerRate, m.Seed, m.DayHours, _talk, _wrap,
                _calls.Count, _answered, _abandoned, _machines, WorstHour(), _decisions, [.. _decisionMicros], _hungUp, _hungUpPersons);
        }

        double WorstHour()
        {
            long a = 0, d = 0;
            double worst = 0;
            for (var i = 0; i < _answeredMin.Length; i++)
            {
                a += _answeredMin[i];
                d += _abandonedMin[i];
                if (i >= 60)
                {
                    a -= _answeredMin[i - 60];
                    d -= _abandonedMin[i - 60];
                }
                if (i >= Math.Min(59, _answeredMin.Length - 1) && a > 0) worst = Math.Max(worst, (double)d / a);
            }
            return worst;
        }

        void Decide()
        {
            int talking = 0, wrapping = 0;
            for (var i = 0; i < _ops.Length; i++)
            {
                ref var o = ref _ops[i];
                if (o.State == OpState.Talking) _talkAges[talking++] = _now - o.Since;
                else if (o.State == OpState.WrapUp) _wrapAges[wrapping++] = _now - o.Since;
            }
            if (_ringAges.Length < _ringing.Count) _ringAges = new double[_ringing.Count * 2];
            for (var i = 0; i < _ringing.Count; i++) _ringAges[i] = _now - _calls[_ringing[i]].PlacedAt;
            var snapshot = new PacingSnapshot
            {
                Now = DayStart.AddTicks((long)(_now * TimeSpan.TicksPerSecond)),
                OperatorsReady = _ready.Count,
                OperatorsPreparing = _preparing,
                TalkingSeconds = _talkAges.AsSpan(0, talking),
                WrapUpSeconds = _wrapAges.AsSpan(0, wrapping),
                RingingSeconds = _ringAges.AsSpan(0, _ringing.Count),
                CallsWaiting = _waitingCount,
                NumbersLeft = m.ListSize == long.MaxValue ? long.MaxValue : m.ListSize - _nextNumber,
                WindowAnswered = _answered,
                WindowAbandoned = _abandoned,
                AbandonLimit = m.AbandonLimit,
                AbandonAfterSeconds = m.AbandonAfterSeconds,
                HangUpAfterSeconds = m.HangUpAfterSeconds,
                CallingTimeLeft = TimeSpan.FromSeconds(_end - _now),
                Stats = stats,
            };
            long t0 = measure ? Stopwatch.GetTimestamp() : 0;
            var decision = pacer.Decide(snapshot);
            if (measure) _decisionMicros.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
            _decisions++;
            if (decision.HangUp > 0) HangUp(decision.HangUp);
            var launch = decision.Launch;
            if (pacer.BindsOperator)
            {
                var lead = pacer.OperatorLeadTime.TotalSeconds;
                for (var k = 0; k < launch && _ready.Count > 0 && _nextNumber + _preparing < m.ListSize; k++)
                {
                    var op = _ready.Dequeue();
                    _ops[op] = new Operator { State = OpState.Preparing, Since = _now, Call = -1 };
                    _preparing++;
                    At(_now + lead, Ev.LeadDone, op);
                }
            }
            else
            {
                for (var k = 0; k < launch && _nextNumber < m.ListSize; k++) Place(-1);
            }
        }

        /// <summary>Places the next number: for <paramref name="op"/> (bound) or for the pool (-1).</summary>
        void Place(int op)
        {
            if (_nextNumber >= m.ListSize)
            {
                if (op >= 0) { _preparing--; MakeReady(op); }
                return;
            }
            var fate = m.Fate(_nextNumber++);
            var id = _calls.Count;
            _calls.Add(new SimCall { Fate = fate, PlacedAt = _now, State = CallState.Ringing, Operator = op, RingIndex = _ringing.Count });
            _ringing.Add(id);
            if (op >= 0) _ops[op].Call = id;
            At(_now + fate.RingSeconds, Ev.Resolve, id);
        }

        /// <summary>Hangs up the <paramref name="count"/> calls that have rung the shortest among those that
        /// have rung at least the campaign's minimum: the contract of <see cref="PacingDecision.HangUp"/>.</summary>
        void HangUp(int count)
        {
            var min = m.HangUpAfterSeconds ?? double.PositiveInfinity;
            _hangUpScratch.Clear();
            foreach (var id in _ringing)
                if (_now - _calls[id].PlacedAt >= min) _hangUpScratch.Add(id);
            _hangUpScratch.Sort((a, b) => _calls[b].PlacedAt.CompareTo(_calls[a].PlacedAt));
            for (var k = 0; k < count && k < _hangUpScratch.Count; k++)
            {
                var id = _hangUpScratch[k];
                StopRinging(id);
                var c = _calls[id];
                c.State = CallState.Done;
                _calls[id] = c;
                stats.RecordHungUp(_now - c.PlacedAt);
                _hungUp++;
                if (c.Fate.Result == CallResult.Person) _hungUpPersons++;
            }
        }

        void StopRinging(int id)
        {
            var c = _calls[id];
            var last = _ringing[^1];
            _ringing[c.RingIndex] = last;
            var moved = _calls[last];
            moved.RingIndex = c.RingIndex;
            _calls[last] = moved;
            _ringing.RemoveAt(_ringing.Count - 1);
        }

        void Resolve(int id)
        {
            if (_calls[id].State != CallState.Ringing) return; // hung up by the dialer
            StopRinging(id);
            var c = _calls[id];
            stats.RecordResult(c.Fate.Result, c.Fate.RingSeconds);
            var bound = c.Operator;
            if (c.Fate.Result != CallResult.Person)
            {
                if (c.Fate.Result == CallResult.Machine) _machines++;
                c.State = CallState.Done;
                _calls[id] = c;
                if (bound >= 0)
                {
                    // The operator hears the machine out (or the gateway's detection) before the next number.
                    var free = c.Fate.Result == CallResult.Machine ? m.MachineDetectSeconds : 0;
                    _preparing--;
                    _ops[bound] = new Operator { State = OpState.Preparing, Since = _now, Call = -1 };
                    _preparing++;
                    At(_now + free, Ev.WrapEnd, -1 - bound); // a wrap-up end without wrap-up: back to ready
                }
                return;
            }
            _answered++;
            _answeredMin[Math.Min(_answeredMin.Length - 1, (int)(_now / 60))]++;
            if (bound >= 0)
            {
                _preparing--;
                Connect(id, bound);
                return;
            }
            if (_ready.Count > 0)
            {
                Connect(id, _ready.Dequeue());
                return;
            }
            c.State = CallState.Waiting;
            _calls[id] = c;
            _waiting.Enqueue(id);
            _waitingCount++;
            At(_now + m.AbandonAfterSeconds, Ev.AbandonCheck, id);
        }

        void Connect(int id, int op)
        {
            var c = _calls[id];
            c.State = CallState.Connected;
            c.Operator = op;
            _calls[id] = c;
            _ops[op] = new Operator { State = OpState.Talking, Since = _now, Call = id };
            At(_now + c.Fate.TalkSeconds, Ev.TalkEnd, op);
        }

        void AbandonCheck(int id)
        {
            var c = _calls[id];
            if (c.State != CallState.Waiting) return;
            c.State = CallState.Done;
            _calls[id] = c;
            _waitingCount--;
            _abandoned++;
            _abandonedMin[Math.Min(_abandonedMin.Length - 1, (int)((_now - m.AbandonAfterSeconds) / 60))]++;
        }

        void TalkEnd(int op)
        {
            ref var o = ref _ops[op];
            var c = _calls[o.Call];
            _talk += _now - o.Since;
            stats.RecordTalk(_now - o.Since);
            c.State = CallState.Done;
            _calls[o.Call] = c;
            o.State = OpState.WrapUp;
            o.Since = _now;
            At(_now + c.Fate.WrapUpSeconds, Ev.WrapEnd, op);
        }

        void WrapEnd(int code)
        {
            if (code < 0)
            {
                // A bound operator whose call was not answered by a person.
                var bound = -1 - code;
                _preparing--;
                MakeReady(bound);
                return;
            }
            ref var o = ref _ops[code];
            _wrap += _now - o.Since;
            stats.RecordWrapUp(_now - o.Since);
            MakeReady(code);
        }

        void MakeReady(int op)
        {
            // An answered call waiting for an operator takes this one at once.
            while (_waiting.Count > 0)
            {
                var id = _waiting.Dequeue();
                if (_calls[id].State != CallState.Waiting) continue;
                _waitingCount--;
                Connect(id, op);
                return;
            }
            _ops[op] = new Operator { State = OpState.Ready, Since = _now, Call = -1 };
            _ready.Enqueue(op);
            Decide();
        }
    }
}
