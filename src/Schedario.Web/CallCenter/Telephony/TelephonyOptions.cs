namespace Schedario.Web.CallCenter.Telephony;

/// <summary>Configuration section <c>Telephony</c>.</summary>
public sealed class TelephonyOptions
{
    public const string Section = "Telephony";

    /// <summary><c>simulated</c> (default) or <c>asterisk</c>.</summary>
    public string Provider { get; set; } = "simulated";

    /// <summary>Shared secret of the CTI webhook (HMAC-SHA256). Empty: the webhook answers 503 and accepts nothing.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>How far the webhook's <c>X-Schedario-Timestamp</c> may be from now, either way.</summary>
    public int WebhookToleranceSeconds { get; set; } = 300;

    public bool IsSimulated => string.IsNullOrWhiteSpace(Provider) || Provider.Equals("simulated", StringComparison.OrdinalIgnoreCase);
    public bool IsAsterisk => Provider.Equals("asterisk", StringComparison.OrdinalIgnoreCase);
}

/// <summary>What a simulated outbound call does.</summary>
public enum SimulatedOutcome { Answer, NoAnswer, Busy, Failed, Machine }

/// <summary>Configuration section <c>Telephony:Simulated</c>: the simulated PBX's timings and outcomes.</summary>
public sealed class SimulatedPbxOptions
{
    public const string Section = "Telephony:Simulated";

    /// <summary>An outbound call that answers does so after this many seconds of ringing.</summary>
    public double AnswerAfterSeconds { get; set; } = 5;

    /// <summary>An outbound call that is not answered rings this long, then hangs up with cause <c>no-answer</c>.</summary>
    public double RingOutSeconds { get; set; } = 30;

    /// <summary>A busy or failed outbound call ends after this many seconds with cause <c>busy</c> or <c>failed</c>.</summary>
    public double FailAfterSeconds { get; set; } = 2;

    /// <summary>An answered outbound call hangs up by itself after this many seconds (null: only when told to).</summary>
    public double? HangUpAfterSeconds { get; set; }

    /// <summary>An inbound call nobody answers is abandoned by the caller after this many seconds (null: it rings until hung up).</summary>
    public double? InboundAbandonAfterSeconds { get; set; } = 120;

    /// <summary>What an outbound call does when no rule below names its number.</summary>
    public SimulatedOutcome DefaultOutcome { get; set; } = SimulatedOutcome.Answer;

    /// <summary>Outcome by the called number's last digits (longest suffix wins), e.g. <c>{ "0": "Failed", "9": "Busy" }</c>.</summary>
    public Dictionary<string, SimulatedOutcome> OutcomeBySuffix { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Outcome for one number (as dialled or in E.164); wins over the suffix rules.</summary>
    public Dictionary<string, SimulatedOutcome> OutcomeByNumber { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Configuration section <c>Telephony:Asterisk</c>: the AMI connection.</summary>
public sealed class AsteriskOptions
{
    public const string Section = "Telephony:Asterisk";

    public string Host { get; set; } = "localhost";
    public int Port { get; set; } = 5038;
    public string Username { get; set; } = "";
    /// <summary>From configuration only (environment, user secrets, a vault): never in the database.</summary>
    public string Secret { get; set; } = "";
    /// <summary>Dialplan context for Originate (the number is dialled there) and Redirect (the extension is reached there).</summary>
    public string Context { get; set; } = "from-internal";
    /// <summary>Channel technology and prefix of an operator's phone: <c>PJSIP/{extension}</c>.</summary>
    public string ChannelTemplate { get; set; } = "PJSIP/{0}";
    /// <summary>Dialplan context an abandoned dialer call is redirected to: it plays the message (the campaign's prompt) and hangs up.</summary>
    public string AbandonContext { get; set; } = "schedario-abandon";
    /// <summary>
    /// The dialer's calls (no operator's phone first): the channel Originate creates, <c>{0}</c> the number. The
    /// default is a Local channel into <c>schedario-dialer</c>, whose dialplan dials the number on the trunk
    /// (docs/operations.md, "Asterisk for the dialer").
    /// </summary>
    public string DialerChannelTemplate { get; set; } = "Local/{0}@schedario-dialer";
    /// <summary>Where the dialer's answered call waits for its operator: the dialplan runs <c>AMD()</c>, reports it with
    /// <c>UserEvent(SchedarioAmd,Status: ${AMDSTATUS})</c> when <see cref="DialerAmd"/> is on, and waits to be redirected.</summary>
    public string DialerAnsweredContext { get; set; } = "schedario-dialer-answered";
    /// <summary>How long the dialer lets a number ring before giving up (Originate Timeout for the dialer's calls).</summary>
    public int DialerRingTimeoutSeconds { get; set; } = 25;
    /// <summary>
    /// The answered context reports answering-machine detection: a dialer call counts as answered (by a person,
    /// or by a machine, which is never given to an operator) only once <c>SchedarioAmd</c> arrives, dated when the
    /// line picked up. Off: every answer is a person's, reported when the line picks up.
    /// </summary>
    public bool DialerAmd { get; set; } = true;
    /// <summary>With <see cref="DialerAmd"/> on, an answer whose SchedarioAmd has not come after this long counts as a
    /// person's (above AMD()'s own total analysis time, 5 s by default in amd.conf).</summary>
    public double DialerAmdTimeoutSeconds { get; set; } = 6;
    /// <summary>How long an outbound call rings the operator's phone before Asterisk gives up (Originate Timeout).</summary>
    public int OriginateTimeoutSeconds { get; set; } = 30;
    /// <summary>How long an action waits for its Response.</summary>
    public double ActionTimeoutSeconds { get; set; } = 10;
    /// <summary>First wait before reconnecting; doubles up to <see cref="ReconnectMaxSeconds"/>.</summary>
    public double ReconnectMinSeconds { get; set; } = 1;
    public double ReconnectMaxSeconds { get; set; } = 60;
}
