using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Telephony;

public enum AmiConnectionState { Disconnected, Connecting, Connected, LoginFailed }

/// <summary>An action Asterisk refused, or a gateway that cannot talk to Asterisk right now.</summary>
public sealed class TelephonyGatewayException(string message) : Exception(message);

/// <summary>
/// Asterisk over AMI (TCP, default port 5038). A background connection logs in, reconnects with
/// back-off when the connection drops, correlates each action's response by <c>ActionID</c>, and
/// turns the channel events of a call into <see cref="TelephonyEvent"/>s for the sink. A call is
/// named by its <c>Linkedid</c> (the <c>Uniqueid</c> of its first channel, shared by every channel of
/// the call); outbound calls get their first channel's id from us (Originate <c>ChannelId</c>), so
/// <see cref="PlaceCallAsync"/> returns the id that the events then carry.
/// </summary>
/// <remarks>
/// Where the formats come from (docs.asterisk.org, Asterisk 20 documentation, API_Documentation):
/// actions AMI_Actions/Login, /Originate (Channel, Exten, Context, Priority, Timeout in ms, CallerID,
/// repeated Variable, Async, ChannelId), /Hangup (Channel, Cause), /Redirect (Channel, Exten, Context,
/// Priority); events AMI_Events/Newchannel, /Newstate (ChannelState 4 Ring, 5 Ringing, 6 Up),
/// /DialBegin, /DialEnd (DialStatus ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION, CHANUNAVAIL),
/// /BridgeEnter (BridgeNumChannels), /Hangup (Cause, Cause-txt: Q.850 codes), /VarSet
/// (MIXMONITOR_FILENAME, set by MixMonitor), /UserEvent (the dialer's <c>SchedarioAmd</c>, raised by our dialplan with
/// the <c>AMD()</c> application's AMDSTATUS: MACHINE, HUMAN, NOTSURE, HANGUP), /OriginateResponse (Response, Reason: the control frame
/// that ended the attempt, 3 ringing timeout, 4 answered, 5 busy, 8 congestion, 0 failure).
/// <c>Timestamp</c> is sent when manager.conf says <c>timestampevents = yes</c>; without it the
/// gateway's clock dates the events. See docs/decisions/0013-telephony-gateway-and-ami-adapter.md.
/// </remarks>
public sealed class AsteriskAmiGateway(
    IOptions<AsteriskOptions> options,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<AsteriskAmiGateway> log) : BackgroundService, ITelephonyGateway
{
    public const string SourceName = "asterisk";

    public string Source => SourceName;

    AsteriskOptions Options => options.Value;

    sealed class AmiCall(string id)
    {
        public string Id { get; } = id;
        public CallDirection Direction { get; set; } = CallDirection.Inbound;
        public string? FirstChannel { get; set; }
        public string? Caller { get; set; }
        public string? Called { get; set; }
        public string? Extension { get; set; }
        public bool Rang { get; set; }
        public DateTime? AnsweredAt { get; set; }
        /// <summary>A dialer call: the line picked up, its answer waits for the dialplan's machine detection.</summary>
        public bool FromDialer { get; set; }
        public DateTime? PickedUpAt { get; set; }
        /// <summary>1 once the answer was reported (the detection's event and its time-out may race).</summary>
        public int AnswerReported;
        public string? FailCause { get; set; }
        public bool Ended { get; set; }
    }

    sealed record Pending(TaskCompletionSource<AmiMessage> Reply, Func<AmiMessage, Task>? OnReply);

    readonly ConcurrentDictionary<string, AmiCall> calls = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, Pending> pending = new(StringComparer.Ordinal);
    readonly SemaphoreSlim writeLock = new(1, 1);
    volatile StreamWriter? writer;
    TaskCompletionSource connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    long actionCounter;

    /// <summary>Where the connection stands (health, the supervisor page, tests).</summary>
    public AmiConnectionState State { get; private set; } = AmiConnectionState.Disconnected;

    /// <summary>Why the last connection or login failed, in words for a person.</summary>
    public string? LastError { get; private set; }

    /// <summary>How many times the gateway has logged in (1 after the first connection; more after reconnects).</summary>
    public int Logins { get; private set; }

    /// <summary>Completes when the gateway is logged in (now, or at the next successful login).</summary>
    public Task WaitConnectedAsync(CancellationToken ct = default) => connected.Task.WaitAsync(ct);

    /// <summary>
    /// Originate: Asterisk rings the operator's phone (<c>PJSIP/{extension}</c>), and when they pick
    /// up dials <see cref="PlaceCallRequest.Number"/> in the configured context. A dialer call
    /// (<see cref="PlaceCallRequest.FromDialerQueue"/>) dials the number first
    /// (<see cref="AsteriskOptions.DialerChannelTemplate"/>) and, answered, waits in
    /// <see cref="AsteriskOptions.DialerAnsweredContext"/> for its operator or the abandon message.
    /// </summary>
    public async Task<string> PlaceCallAsync(PlaceCallRequest request, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Extension)) errors.Add("extension", "Interno mancante.");
        if (string.IsNullOrWhiteSpace(request.Number)) errors.Add("number", "Numero mancante.");
        if (errors.Any) throw new ValidationException(errors);

        var o = Options;
        var callId = "schedario-" + Ids.NewV7().ToString("N");
        var number = new string(request.Number.Where(c => char.IsDigit(c) || c == '+').ToArray());
        var call = new AmiCall(callId)
        {
            Direction = CallDirection.Outbound, Extension = request.Extension.Trim(),
            Caller = request.CallerId, Called = request.Number, FromDialer = request.FromDialerQueue,
        };
        calls[callId] = call;
        var action = call.FromDialer
            ? AmiMessage.Action("Originate")
                .Add("Channel", string.Format(CultureInfo.InvariantCulture, o.DialerChannelTemplate, number))
                .Add("Exten", "s")
                .Add("Context", o.DialerAnsweredContext)
                .Add("Priority", "1")
                .Add("Timeout", (o.DialerRingTimeoutSeconds * 1000).ToString(CultureInfo.InvariantCulture))
            : AmiMessage.Action("Originate")
                .Add("Channel", string.Format(CultureInfo.InvariantCulture, o.ChannelTemplate, call.Extension))
                .Add("Exten", number)
                .Add("Context", o.Context)
                .Add("Priority", "1")
                .Add("Timeout", (o.OriginateTimeoutSeconds * 1000).ToString(CultureInfo.InvariantCulture));
        action
            .Add("CallerID", request.CallerId ?? number)
            .Add("Async", "true")
            .Add("ChannelId", callId)
            .Add("Variable", $"SCHEDARIO_CALLID={callId}");
        if (!string.IsNullOrWhiteSpace(request.Reference)) action.Add("Variable", $"SCHEDARIO_REF={request.Reference}");
        try
        {
            // The call rings from the moment Asterisk queued the origination; the reply is read on the
            // event loop, so this Ringing comes before any event of the call.
            var reply = await SendAsync(action, ct, r => r.Response == "Success" ? Emit(call, TelephonyEventKind.Ringing, Now(r)) : Task.CompletedTask);
            if (reply.Response != "Success")
                throw new TelephonyGatewayException($"Asterisk refused the call: {reply["Message"]}");
        }
        catch
        {
            calls.TryRemove(callId, out _);
            throw;
        }
        return callId;
    }

    /// <summary>Redirect: sends the ringing caller's channel to the operator's extension.</summary>
    public async Task AnswerAsync(string callId, string extension, CancellationToken ct = default)
    {
        if (!calls.TryGetValue(callId, out var call) || call.FirstChannel is null)
            throw new NotFoundException("Chiamata sconosciuta ad Asterisk.");
        var reply = await SendAsync(AmiMessage.Action("Redirect")
            .Add("Channel", call.FirstChannel)
            .Add("Exten", extension.Trim())
            .Add("Context", Options.Context)
            .Add("Priority", "1"), ct);
        if (reply.Response != "Success")
            throw new TelephonyGatewayException($"Asterisk could not connect the call to {extension}: {reply["Message"]}");
        call.Extension = extension.Trim();
    }

    /// <summary>The dialer's connect: the answered party's channel is redirected to the operator's extension, as for an inbound answer.</summary>
    public Task ConnectAsync(string callId, string extension, CancellationToken ct = default) => AnswerAsync(callId, extension, ct);

    /// <summary>
    /// The dialer's abandoned call: a Redirect of the answered channel to <see cref="AsteriskOptions.AbandonContext"/>
    /// (extension <c>s</c>), whose dialplan plays the prompt and hangs up; the message text is logged, the prompt
    /// itself lives on the PBX. Unknown or ended calls are not an error.
    /// </summary>
    public async Task PlayMessageAndHangUpAsync(string callId, string message, CancellationToken ct = default)
    {
        if (!calls.TryGetValue(callId, out var call) || call.FirstChannel is null || call.Ended) return;
        var reply = await SendAsync(AmiMessage.Action("Redirect")
            .Add("Channel", call.FirstChannel)
            .Add("Exten", "s")
            .Add("Context", Options.AbandonContext)
            .Add("Priority", "1"), ct);
        if (reply.Response != "Success")
        {
            log.LogInformation("Asterisk could not play the abandon message on {Channel} ({Message}): hanging up", call.FirstChannel, reply["Message"]);
            await HangUpAsync(callId, ct);
        }
    }

    /// <summary>Hangup of the call's first channel (which ends the others). Unknown or ended calls are not an error.</summary>
    public async Task HangUpAsync(string callId, CancellationToken ct = default)
    {
        if (!calls.TryGetValue(callId, out var call) || call.FirstChannel is null || call.Ended) return;
        var reply = await SendAsync(AmiMessage.Action("Hangup").Add("Channel", call.FirstChannel).Add("Cause", "16"), ct);
        // "No such channel": it ended while we asked.
        if (reply.Response != "Success")
            log.LogInformation("Asterisk did not hang up {Channel}: {Message}", call.FirstChannel, reply["Message"]);
    }

    /// <summary>Hangup of a dialer call still ringing; not once the line picked up (answering-machine detection
    /// may still be listening to a person).</summary>
    public async Task<bool> CancelRingingAsync(string callId, CancellationToken ct = default)
    {
        if (!calls.TryGetValue(callId, out var call) || call.FirstChannel is null || call.Ended || call.PickedUpAt is not null || call.AnsweredAt is not null)
            return false;
        var reply = await SendAsync(AmiMessage.Action("Hangup").Add("Channel", call.FirstChannel).Add("Cause", "16"), ct);
        if (reply.Response == "Success") return true;
        log.LogInformation("Asterisk did not hang up the ringing {Channel}: {Message}", call.FirstChannel, reply["Message"]);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(Math.Max(0.01, Options.ReconnectMinSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunConnectionAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (AmiLoginException e)
            {
                State = AmiConnectionState.LoginFailed;
                LastError = e.Message;
                log.LogError("{Error}", e.Message);
            }
            catch (Exception e)
            {
                State = AmiConnectionState.Disconnected;
                LastError = $"Connection to Asterisk at {Options.Host}:{Options.Port} lost or refused: {e.Message}";
                log.LogWarning("{Error}; reconnecting in {Delay}", LastError, delay);
            }
            finally
            {
                Disconnected();
            }
            // Logged in this time: start the back-off again from the shortest wait.
            if (State == AmiConnectionState.Connected) delay = TimeSpan.FromSeconds(Math.Max(0.01, Options.ReconnectMinSeconds));
            if (State != AmiConnectionState.LoginFailed) State = AmiConnectionState.Disconnected;
            try
            {
                await Task.Delay(delay, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, Math.Max(Options.ReconnectMaxSeconds, Options.ReconnectMinSeconds)));
        }
    }

    async Task RunConnectionAsync(CancellationToken ct)
    {
        var o = Options;
        // A refused login stays the state shown until a login succeeds: retries must not hide it.
        if (State != AmiConnectionState.LoginFailed) State = AmiConnectionState.Connecting;
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(o.Host, o.Port, ct);
        await using var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 8192, leaveOpen: true);
        // Published for other actions only once logged in.
        var w = new StreamWriter(stream, new UTF8Encoding(false), bufferSize: 8192, leaveOpen: true) { NewLine = "\r\n" };

        var banner = await reader.ReadLineAsync(ct);
        if (banner is null || !banner.StartsWith("Asterisk Call Manager/", StringComparison.Ordinal))
            throw new IOException($"not an Asterisk manager interface (banner \"{banner}\")");
        log.LogInformation("Connected to {Banner} at {Host}:{Port}", banner, o.Host, o.Port);

        // Responses arrive on the read loop: it must run while we wait for the login's.
        using var loopStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loop = ReadLoopAsync(reader, loopStop.Token);
        var login = SendAsync(AmiMessage.Action("Login").Add("Username", o.Username).Add("Secret", o.Secret).Add("Events", "on"), ct, via: w);
        var first = await Task.WhenAny(login, loop);
        if (first == loop)
        {
            await loop; // throws why it ended
            throw new IOException("Asterisk closed the connection during login");
        }
        var reply = await login;
        if (reply.Response != "Success")
        {
            await loopStop.CancelAsync();
            throw new AmiLoginException($"Asterisk at {o.Host}:{o.Port} refused the login of user '{o.Username}': {reply["Message"] ?? reply.Response}. Check Telephony:Asterisk:Username and Secret (manager.conf).");
        }
        writer = w;
        State = AmiConnectionState.Connected;
        LastError = null;
        Logins++;
        connected.TrySetResult();
        await loop;
        throw new IOException("Asterisk closed the connection");
    }

    async Task ReadLoopAsync(TextReader reader, CancellationToken ct)
    {
        while (await AmiMessage.ReadAsync(reader, ct) is { } message)
        {
            if (message.Event is null && message.Response is not null && message.ActionId is { } id && pending.TryRemove(id, out var p))
            {
                try
                {
                    if (p.OnReply is not null) await p.OnReply(message);
                }
                catch (Exception e)
                {
                    log.LogError(e, "Handling the reply to action {ActionId} failed", id);
                }
                p.Reply.TrySetResult(message);
                continue;
            }
            if (message.Event is not null)
            {
                try
                {
                    await OnEventAsync(message);
                }
                catch (Exception e)
                {
                    // One bad event (or a database hiccup) never stops the connection.
                    log.LogError(e, "AMI event {Event} could not be handled: {Message}", message.Event, message.ToString());
                }
            }
        }
    }

    async Task<AmiMessage> SendAsync(AmiMessage action, CancellationToken ct, Func<AmiMessage, Task>? onReply = null, StreamWriter? via = null)
    {
        var w = via ?? writer ?? throw new TelephonyGatewayException($"Asterisk is not connected ({LastError ?? State.ToString()}).");
        var id = "schedario-" + Interlocked.Increment(ref actionCounter).ToString(CultureInfo.InvariantCulture);
        action.Add("ActionID", id);
        var entry = new Pending(new TaskCompletionSource<AmiMessage>(TaskCreationOptions.RunContinuationsAsynchronously), onReply);
        pending[id] = entry;
        try
        {
            await writeLock.WaitAsync(ct);
            try
            {
                await w.WriteAsync(action.Serialize().AsMemory(), ct);
                await w.FlushAsync(ct);
            }
            finally
            {
                writeLock.Release();
            }
            return await entry.Reply.Task.WaitAsync(TimeSpan.FromSeconds(Options.ActionTimeoutSeconds), clock, ct);
        }
        catch (TimeoutException)
        {
            throw new TelephonyGatewayException($"Asterisk did not answer the {action["Action"]} action in time.");
        }
        catch (IOException e)
        {
            throw new TelephonyGatewayException($"Asterisk connection lost: {e.Message}");
        }
        finally
        {
            pending.TryRemove(id, out _);
        }
    }

    void Disconnected()
    {
        writer = null;
        if (connected.Task.IsCompleted) connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var (id, p) in pending)
            if (pending.TryRemove(id, out _)) p.Reply.TrySetException(new TelephonyGatewayException("Asterisk connection lost."));
    }

    /// <summary>Follows a call through its channels' events; see the remarks for the event reference.</summary>
    async Task OnEventAsync(AmiMessage m)
    {
        var uniqueId = m["Uniqueid"];
        var linkedId = m["Linkedid"] ?? uniqueId;
        switch (m.Event)
        {
            case "Newchannel" when linkedId is not null:
            {
                var first = uniqueId == linkedId;
                if (calls.TryGetValue(linkedId, out var call))
                {
                    if (first) call.FirstChannel ??= m["Channel"];
                    break;
                }
                if (!first) break; // a leg of a call that began before we connected: its first channel names it
                call = calls.GetOrAdd(linkedId, id => new AmiCall(id));
                call.FirstChannel = m["Channel"];
                call.Caller = Known(m["CallerIDNum"]);
                call.Called = Known(m["Exten"]);
                await Emit(call, TelephonyEventKind.Ringing, Now(m));
                break;
            }
            case "Newstate" when linkedId is not null && uniqueId != linkedId && m["ChannelState"] == "6":
                if (calls.TryGetValue(linkedId, out var answeredLeg))
                    await Answered(answeredLeg, m["Channel"], m);
                break;
            case "DialEnd":
            {
                if (linkedId is null || !calls.TryGetValue(linkedId, out var call)) break;
                var status = m["DialStatus"];
                if (status == "ANSWER") await Answered(call, m["DestChannel"], m);
                else call.FailCause ??= DialStatusCause(status);
                break;
            }
            case "BridgeEnter" when linkedId is not null && int.TryParse(m["BridgeNumChannels"], out var n) && n >= 2:
                if (calls.TryGetValue(linkedId, out var bridged) && uniqueId != linkedId)
                    await Answered(bridged, m["Channel"], m);
                break;
            // The dialer's answered context: AMD()'s verdict (MACHINE, HUMAN, NOTSURE; HANGUP is followed by the hangup).
            case "UserEvent" when linkedId is not null && m["UserEvent"] == "SchedarioAmd":
                if (calls.TryGetValue(linkedId, out var detected) && detected.FromDialer && m["Status"] is { } amd && amd != "HANGUP")
                    await Answered(detected, null, m, detected: true, machine: amd == "MACHINE");
                break;
            case "VarSet" when linkedId is not null && string.Equals(m["Variable"], "MIXMONITOR_FILENAME", StringComparison.OrdinalIgnoreCase):
                if (calls.TryGetValue(linkedId, out var recorded) && !string.IsNullOrWhiteSpace(m["Value"]))
                    await Emit(recorded, TelephonyEventKind.Recording, Now(m), recordingRef: m["Value"]);
                break;
            case "Hangup" when linkedId is not null && uniqueId == linkedId:
                if (calls.TryGetValue(linkedId, out var ended))
                    await Ended(ended, ended.AnsweredAt is null ? ended.FailCause ?? HangupCause(m) : HangupCause(m), m);
                break;
            case "OriginateResponse" when m["Response"] == "Failure":
            {
                // The operator's phone never took the call (no channel may even have been made).
                var id = m["Uniqueid"] is { Length: > 0 } u && u != "<null>" ? u : null;
                if (id is not null && calls.TryGetValue(id, out var call))
                    await Ended(call, OriginateReasonCause(m["Reason"]), m);
                break;
            }
        }
    }

    /// <param name="detected">The dialplan's machine detection reported (a dialer call's answer waits for it when <see cref="AsteriskOptions.DialerAmd"/> is on).</param>
    async Task Answered(AmiCall call, string? channel, AmiMessage m, bool detected = false, bool machine = false)
    {
        if (call.AnsweredAt is not null || call.Ended) return;
        var at = Now(m);
        if (call.FromDialer && Options.DialerAmd && !detected)
        {
            // The line picked up; who picked up comes with SchedarioAmd. The answer is dated now: the
            // abandon grace runs from the person's "pronto", not from the end of the detection.
            if (call.PickedUpAt is null)
            {
                call.PickedUpAt = at;
                _ = AmdTimeoutAsync(call);
            }
            return;
        }
        if (Interlocked.Exchange(ref call.AnswerReported, 1) == 1) return;
        at = call.PickedUpAt ?? at;
        call.AnsweredAt = at;
        // Inbound: the leg that answered is the operator's phone. Outbound: it is the customer's line.
        if (call.Direction == CallDirection.Inbound && ExtensionOf(channel) is { } extension) call.Extension = extension;
        await Emit(call, TelephonyEventKind.Answered, at, cause: machine ? "machine" : null);
    }

    /// <summary>
    /// No SchedarioAmd in time (a dialplan without the UserEvent, or AMD stuck): the call is reported answered
    /// by a person, dated when it picked up, so the dialer connects it or ends and counts it as abandoned.
    /// Never a silent call nobody counts.
    /// </summary>
    async Task AmdTimeoutAsync(AmiCall call)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(Options.DialerAmdTimeoutSeconds), clock);
            if (call.Ended || call.AnsweredAt is not null) return;
            log.LogWarning("Dialer call {CallId}: no SchedarioAmd event {Seconds} s after the answer; counted as a person. Check the {Context} dialplan (docs/operations.md) or set Telephony:Asterisk:DialerAmd=false",
                call.Id, Options.DialerAmdTimeoutSeconds, Options.DialerAnsweredContext);
            await Answered(call, null, new AmiMessage(), detected: true);
        }
        catch (Exception e)
        {
            log.LogError(e, "Reporting the answer of dialer call {CallId} after the detection's time-out failed", call.Id);
        }
    }

    async Task Ended(AmiCall call, string cause, AmiMessage m)
    {
        if (call.Ended) return;
        call.Ended = true;
        calls.TryRemove(call.Id, out _);
        var at = Now(m);
        var duration = call.AnsweredAt is { } a ? (int)Math.Max(0, Math.Round((at - a).TotalSeconds)) : 0;
        await Emit(call, TelephonyEventKind.HungUp, at, duration, cause);
    }

    async Task Emit(AmiCall call, TelephonyEventKind kind, DateTime at, int? duration = null, string? cause = null, string? recordingRef = null)
    {
        if (kind == TelephonyEventKind.Ringing)
        {
            if (call.Rang) return;
            call.Rang = true;
        }
        var e = new TelephonyEvent(SourceName, call.Id, kind, at, call.Direction, call.Caller, call.Called, call.Extension,
            duration, cause, recordingRef);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ITelephonyEventSink>().ReceiveAsync(e);
    }

    /// <summary>The event's own time (manager.conf <c>timestampevents</c>: seconds since 1970 with microseconds), else now.</summary>
    DateTime Now(AmiMessage m) =>
        double.TryParse(m["Timestamp"], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? DateTime.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond))
            : clock.GetUtcNow().UtcDateTime;

    static string? Known(string? value) => string.IsNullOrWhiteSpace(value) || value is "<unknown>" or "s" ? null : value;

    /// <summary><c>PJSIP/201-0000001a</c> → <c>201</c>.</summary>
    internal static string? ExtensionOf(string? channel)
    {
        if (string.IsNullOrEmpty(channel)) return null;
        var slash = channel.IndexOf('/');
        var rest = slash >= 0 ? channel[(slash + 1)..] : channel;
        var dash = rest.LastIndexOf('-');
        return dash > 0 ? rest[..dash] : rest;
    }

    /// <summary>Q.850 cause (Hangup's Cause) in our words: normal, busy, no-answer, rejected, else failed.</summary>
    internal static string HangupCause(AmiMessage m) => m["Cause"] switch
    {
        "16" or "0" => "normal",
        "17" => "busy",
        "18" or "19" => "no-answer",
        "21" => "rejected",
        _ => m["Cause-txt"] is { Length: > 0 } text ? $"failed: {text}" : "failed",
    };

    internal static string? DialStatusCause(string? status) => status switch
    {
        "BUSY" => "busy",
        "NOANSWER" => "no-answer",
        "CANCEL" => "cancelled",
        "CONGESTION" or "CHANUNAVAIL" => "failed",
        null or "" => null,
        _ => "failed",
    };

    internal static string OriginateReasonCause(string? reason) => reason switch
    {
        "3" => "no-answer",
        "5" => "busy",
        "1" => "cancelled",
        _ => "failed",
    };

    sealed class AmiLoginException(string message) : Exception(message);
}
