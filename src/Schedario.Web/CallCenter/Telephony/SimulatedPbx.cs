using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Schedario.Web.Registry.Normalization;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Telephony;

/// <summary>
/// A PBX in memory, the default provider of the embedded demo and the tests' telephone exchange.
/// Inbound calls ring when told (<see cref="SimulateInboundAsync"/>, the supervisor page, the
/// simulate endpoint); outbound calls ring, then answer, ring out or fail after the times and by the
/// rules of <see cref="SimulatedPbxOptions"/> (and <see cref="SetOutcome"/>). Every timer runs on the
/// injected <see cref="TimeProvider"/>, so a test or the dialer's simulator can run it on virtual time.
/// Events go to <see cref="ITelephonyEventSink"/> in a scope of their own, one call's events in order.
/// </summary>
public sealed class SimulatedPbx(
    TimeProvider clock,
    IServiceScopeFactory scopes,
    IOptions<SimulatedPbxOptions> options,
    ILogger<SimulatedPbx> log) : ITelephonyGateway, IDisposable
{
    public const string SourceName = "sim";

    public string Source => SourceName;

    SimulatedPbxOptions Options => options.Value;

    enum SimState { Ringing, Answered, Ended }

    sealed class SimCall(CallDirection direction)
    {
        public readonly Lock Gate = new();
        public CallDirection Direction { get; } = direction;
        public SimState State { get; set; }
        public string? Extension { get; set; }
        public DateTimeOffset? AnsweredAt { get; set; }
        public ITimer? Timer { get; set; }
        /// <summary>The last delivery of this call: the next one waits for it (events of one call stay in order).</summary>
        public Task Tail { get; set; } = Task.CompletedTask;
    }

    readonly ConcurrentDictionary<string, SimCall> calls = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, SimulatedOutcome> outcomes = new(StringComparer.Ordinal);
    /// <summary>Seconds to the outcome of calls to a number, over the options' times (<see cref="SetOutcome"/>).</summary>
    readonly ConcurrentDictionary<string, double> outcomeAfter = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<Task, byte> inFlight = new();

    /// <summary>Makes an inbound call ring: from <paramref name="caller"/> to the <paramref name="called"/> number. Returns the call id.</summary>
    /// <exception cref="ValidationException">A number that is not a phone number (fields <c>caller</c>, <c>called</c>).</exception>
    public async Task<string> SimulateInboundAsync(string caller, string called, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (!PhoneNormalizer.TryNormalize(caller, out var from)) errors.Add("caller", "Numero del chiamante non valido.");
        if (!PhoneNormalizer.TryNormalize(called, out var to)) errors.Add("called", "Numero chiamato non valido.");
        if (errors.Any) throw new ValidationException(errors);

        var id = NewCallId();
        var call = new SimCall(CallDirection.Inbound);
        calls[id] = call;
        Task delivery;
        lock (call.Gate)
        {
            delivery = Enqueue(id, call, Event(id, call, TelephonyEventKind.Ringing) with { CallerNumber = from, CalledNumber = to });
            if (Options.InboundAbandonAfterSeconds is { } abandon)
                call.Timer = Schedule(abandon, () => End(id, call, "abandoned"));
        }
        await delivery.WaitAsync(ct);
        return id;
    }

    /// <summary>Places an outbound call: it rings, then does what the outcome for its number says.</summary>
    public async Task<string> PlaceCallAsync(PlaceCallRequest request, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Extension)) errors.Add("extension", "Interno mancante.");
        if (string.IsNullOrWhiteSpace(request.Number)) errors.Add("number", "Numero mancante.");
        if (errors.Any) throw new ValidationException(errors);

        var id = NewCallId();
        var call = new SimCall(CallDirection.Outbound) { Extension = request.Extension.Trim() };
        calls[id] = call;
        var outcome = OutcomeFor(request.Number);
        var after = AfterFor(request.Number);
        Task delivery;
        lock (call.Gate)
        {
            delivery = Enqueue(id, call, Event(id, call, TelephonyEventKind.Ringing) with { CallerNumber = request.CallerId, CalledNumber = request.Number });
            var o = Options;
            call.Timer = outcome switch
            {
                SimulatedOutcome.Answer => Schedule(after ?? o.AnswerAfterSeconds, () => Answer(id, call, call.Extension)),
                SimulatedOutcome.NoAnswer => Schedule(after ?? o.RingOutSeconds, () => End(id, call, "no-answer")),
                SimulatedOutcome.Busy => Schedule(after ?? o.FailAfterSeconds, () => End(id, call, "busy")),
                SimulatedOutcome.Machine => Schedule(after ?? o.AnswerAfterSeconds, () => Answer(id, call, call.Extension, "machine")),
                _ => Schedule(after ?? o.FailAfterSeconds, () => End(id, call, "failed")),
            };
        }
        log.LogDebug("Simulated outbound call {CallId} from {Extension} to {Number}: {Outcome}", id, request.Extension, request.Number, outcome);
        await delivery.WaitAsync(ct);
        return id;
    }

    /// <summary>Answers a ringing call at <paramref name="extension"/>.</summary>
    /// <exception cref="NotFoundException">The simulator has no such call (or it was ended and forgotten).</exception>
    /// <exception cref="RuleException">The call is not ringing any more (<c>call-not-ringing</c>).</exception>
    public Task AnswerAsync(string callId, string extension, CancellationToken ct = default)
    {
        if (!calls.TryGetValue(callId, out var call)) throw new NotFoundException("Chiamata sconosciuta al centralino simulato.");
        var delivery = Answer(callId, call, extension) ?? throw new RuleException("La chiamata non sta squillando.", "call-not-ringing");
        return delivery.WaitAsync(ct);
    }

    /// <summary>Hangs up; unknown or ended calls are not an error.</summary>
    public Task HangUpAsync(string callId, CancellationToken ct = default) =>
        calls.TryGetValue(callId, out var call) && End(callId, call, null) is { } delivery ? delivery.WaitAsync(ct) : Task.CompletedTask;

    public async Task<bool> CancelRingingAsync(string callId, CancellationToken ct = default)
    {
        if (!calls.TryGetValue(callId, out var call)) return false;
        Task? delivery;
        lock (call.Gate)
        {
            if (call.State != SimState.Ringing) return false;
            delivery = End(callId, call, null);
        }
        if (delivery is not null) await delivery.WaitAsync(ct);
        return delivery is not null;
    }

    /// <summary>Fixes what outbound calls to <paramref name="number"/> do (as dialled or in E.164), over the configured
    /// rules; with <paramref name="afterSeconds"/>, also how long they ring before it happens (each number its own
    /// ring, as people answer after different rings), over the options' times.</summary>
    public void SetOutcome(string number, SimulatedOutcome outcome, double? afterSeconds = null)
    {
        if (afterSeconds is { } a && (!double.IsFinite(a) || a < 0)) throw new ArgumentOutOfRangeException(nameof(afterSeconds), a, "Seconds to the outcome must be 0 or more.");
        foreach (var key in Keys(number))
        {
            outcomes[key] = outcome;
            if (afterSeconds is { } seconds) outcomeAfter[key] = seconds;
            else outcomeAfter.TryRemove(key, out _);
        }
    }

    public void ClearOutcomes()
    {
        outcomes.Clear();
        outcomeAfter.Clear();
    }

    static IEnumerable<string> Keys(string number)
    {
        var raw = number.Trim();
        yield return raw;
        if (PhoneNormalizer.TryNormalize(number, out var e164) && e164 != raw) yield return e164;
    }

    double? AfterFor(string number)
    {
        foreach (var key in Keys(number))
            if (outcomeAfter.TryGetValue(key, out var seconds)) return seconds;
        return null;
    }

    /// <summary>What an outbound call to this number will do: <see cref="SetOutcome"/>, then the options' number map, then the longest matching suffix, then the default.</summary>
    public SimulatedOutcome OutcomeFor(string number)
    {
        foreach (var key in Keys(number))
        {
            if (outcomes.TryGetValue(key, out var o)) return o;
            if (Options.OutcomeByNumber.TryGetValue(key, out o)) return o;
        }
        var digits = new string(number.Trim().Where(char.IsDigit).ToArray());
        var best = Options.OutcomeBySuffix.Where(kv => kv.Key.Length > 0 && digits.EndsWith(kv.Key, StringComparison.Ordinal))
            .OrderByDescending(kv => kv.Key.Length).Select(kv => (SimulatedOutcome?)kv.Value).FirstOrDefault();
        return best ?? Options.DefaultOutcome;
    }

    /// <summary>Calls still ringing or talking in the simulator.</summary>
    public int ActiveCalls => calls.Count;

    /// <summary>Completes when every event delivery started so far has finished (tests, the dialer's simulator).</summary>
    public async Task WhenIdleAsync()
    {
        while (!inFlight.IsEmpty)
            await Task.WhenAll(inFlight.Keys);
    }

    /// <summary>Moves an answered call to <paramref name="extension"/> (the dialer's connect); no event, as Asterisk's Redirect of an up channel.</summary>
    /// <exception cref="NotFoundException">The simulator has no such call (or it was ended and forgotten).</exception>
    /// <exception cref="RuleException">The call was not answered yet (<c>call-not-answered</c>).</exception>
    public Task ConnectAsync(string callId, string extension, CancellationToken ct = default)
    {
        if (!calls.TryGetValue(callId, out var call)) throw new NotFoundException("Chiamata sconosciuta al centralino simulato.");
        lock (call.Gate)
        {
            if (call.State != SimState.Answered) throw new RuleException("La chiamata non è stata risposta.", "call-not-answered");
            call.Extension = extension.Trim();
        }
        return Task.CompletedTask;
    }

    /// <summary>"Plays" the message (logged) and hangs up with cause <c>abandoned</c>.</summary>
    public Task PlayMessageAndHangUpAsync(string callId, string message, CancellationToken ct = default)
    {
        if (!calls.TryGetValue(callId, out var call)) return Task.CompletedTask;
        log.LogDebug("Simulated call {CallId}: playing the abandon message \"{Message}\"", callId, message);
        return End(callId, call, "abandoned") is { } delivery ? delivery.WaitAsync(ct) : Task.CompletedTask;
    }

    Task? Answer(string id, SimCall call, string? extension, string? cause = null)
    {
        lock (call.Gate)
        {
            if (call.State != SimState.Ringing) return null;
            call.Timer?.Dispose();
            call.State = SimState.Answered;
            call.AnsweredAt = clock.GetUtcNow();
            if (!string.IsNullOrWhiteSpace(extension)) call.Extension = extension.Trim();
            call.Timer = Options.HangUpAfterSeconds is { } talk ? Schedule(talk, () => End(id, call, "normal")) : null;
            return Enqueue(id, call, Event(id, call, TelephonyEventKind.Answered) with { Cause = cause });
        }
    }

    /// <param name="cause">Null: hung up by us (normal when answered, cancelled while ringing).</param>
    Task? End(string id, SimCall call, string? cause)
    {
        lock (call.Gate)
        {
            if (call.State == SimState.Ended) return null;
            call.Timer?.Dispose();
            call.Timer = null;
            var answered = call.AnsweredAt;
            call.State = SimState.Ended;
            calls.TryRemove(id, out _);
            var duration = answered is { } a ? (int)Math.Max(0, Math.Round((clock.GetUtcNow() - a).TotalSeconds)) : 0;
            return Enqueue(id, call, Event(id, call, TelephonyEventKind.HungUp) with
            {
                DurationSeconds = duration,
                Cause = cause ?? (answered is null ? "cancelled" : "normal"),
            });
        }
    }

    TelephonyEvent Event(string id, SimCall call, TelephonyEventKind kind) =>
        new(SourceName, id, kind, clock.GetUtcNow().UtcDateTime, call.Direction, Extension: call.Extension);

    /// <summary>Chains the delivery after the call's previous one. Called under the call's lock.</summary>
    Task Enqueue(string id, SimCall call, TelephonyEvent e)
    {
        var previous = call.Tail;
        var delivery = DeliverAfterAsync(previous, e);
        call.Tail = delivery;
        inFlight[delivery] = 0;
        _ = delivery.ContinueWith(t => inFlight.TryRemove(t, out _), TaskScheduler.Default);
        return delivery;
    }

    async Task DeliverAfterAsync(Task previous, TelephonyEvent e)
    {
        // Off the caller's thread (a timer callback, a lock): delivery is database work.
        await Task.Yield();
        try { await previous; } catch { /* logged where it failed */ }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ITelephonyEventSink>().ReceiveAsync(e);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Simulated PBX could not deliver {Kind} of call {CallId}", e.Kind, e.CallId);
            throw;
        }
    }

    ITimer Schedule(double seconds, Func<Task?> action) =>
        clock.CreateTimer(_ => action(), null, TimeSpan.FromSeconds(Math.Max(0, seconds)), Timeout.InfiniteTimeSpan);

    static string NewCallId() => "sim-" + Ids.NewV7().ToString("N");

    public void Dispose()
    {
        foreach (var call in calls.Values) call.Timer?.Dispose();
        calls.Clear();
    }
}
