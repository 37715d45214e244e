namespace Schedario.Web.CallCenter.Telephony;

public enum CallDirection { Inbound, Outbound }

/// <summary>What a PBX tells us about a call. The order of a healthy call: Ringing → Answered → HungUp; a
/// recording reference may come at any time.</summary>
public enum TelephonyEventKind { Ringing, Answered, HungUp, Recording }

/// <summary>
/// One event from a telephony source (simulated PBX, Asterisk AMI, CTI webhook), normalised.
/// <paramref name="CallId"/> is the source's own id for the call (Asterisk's Linkedid/Uniqueid, the
/// webhook's callId); together with <paramref name="Source"/> it names the call.
/// </summary>
public sealed record TelephonyEvent(
    string Source,
    string CallId,
    TelephonyEventKind Kind,
    DateTime OccurredAt,
    CallDirection Direction = CallDirection.Inbound,
    string? CallerNumber = null,
    string? CalledNumber = null,
    string? Extension = null,
    int? DurationSeconds = null,
    string? Cause = null,
    string? RecordingRef = null,
    string? Payload = null);

/// <summary>An outbound call to place: from an operator's extension (or, for the dialer, from a queue) to a number.</summary>
public sealed record PlaceCallRequest(string Extension, string Number, string? CallerId = null, string? Reference = null)
{
    /// <summary>The dialer's calls come from the queue <c>dialer-{campaign}</c>, not from an operator's phone.</summary>
    public const string DialerQueuePrefix = "dialer-";

    /// <summary>A predictive or power call: the PBX dials the number first and reports the answer (and its
    /// answering-machine detection); an operator is connected afterwards.</summary>
    public bool FromDialerQueue => Extension.StartsWith(DialerQueuePrefix, StringComparison.Ordinal);
}

/// <summary>
/// The call-control the product needs from a PBX. Implementations: <c>SimulatedPbx</c> (the demo
/// default and the tests), <c>AsteriskAmiGateway</c> (AMI over TCP). Events flow the other way,
/// into <see cref="ITelephonyEventSink"/>.
/// </summary>
public interface ITelephonyGateway
{
    /// <summary>The source name written on calls and events ("sim", "asterisk", …).</summary>
    string Source { get; }

    /// <summary>Places a call; returns the source's id of the new call.</summary>
    Task<string> PlaceCallAsync(PlaceCallRequest request, CancellationToken ct = default);

    /// <summary>
    /// Connects a ringing inbound call to the operator who accepted it on the phone bar (Asterisk:
    /// a Redirect of the caller's channel to the extension; the simulator: the call is answered).
    /// </summary>
    Task AnswerAsync(string callId, string extension, CancellationToken ct = default);

    /// <summary>Hangs up a call by the source's id. Unknown or already ended calls are not an error.</summary>
    Task HangUpAsync(string callId, CancellationToken ct = default);

    /// <summary>
    /// Ends an outbound call that is still ringing (the dialer gives up on it). A call the other end already
    /// picked up is left alone, even while answering-machine detection still listens: hanging up on a person
    /// would be a silent call. False when nothing was ended (picked up, ended, unknown).
    /// </summary>
    Task<bool> CancelRingingAsync(string callId, CancellationToken ct = default);

    /// <summary>
    /// Connects an outbound call the person already answered (the dialer's) to an operator's extension
    /// (Asterisk: a Redirect of the called party's channel; the simulator: the call moves to the extension).
    /// </summary>
    Task ConnectAsync(string callId, string extension, CancellationToken ct = default);

    /// <summary>
    /// Plays the abandon message to the person who answered and hangs up (the dialer found no operator free
    /// in time). Asterisk: a Redirect to the configured abandon context, whose dialplan plays the prompt.
    /// Unknown or already ended calls are not an error.
    /// </summary>
    Task PlayMessageAndHangUpAsync(string callId, string message, CancellationToken ct = default);
}

/// <summary>Where every gateway (and the webhook) delivers its events; it logs, de-duplicates and applies them.</summary>
public interface ITelephonyEventSink
{
    Task<TelephonyEventResult> ReceiveAsync(TelephonyEvent e, CancellationToken ct = default);
}

/// <summary>What happened to an event: applied to its call, or logged and ignored and why.</summary>
public enum TelephonyEventResult { Applied, Duplicate, OutOfOrder, UnknownCall, Invalid }

/// <summary>
/// Told after a call's state changed (the row in <c>telephony_calls</c> is committed). The inbound
/// router listens to route ringing calls and to follow answer and hang-up.
/// </summary>
public interface ITelephonyCallObserver
{
    Task OnCallChangedAsync(TelephonyCall call, TelephonyEventKind kind, CancellationToken ct = default);
}
