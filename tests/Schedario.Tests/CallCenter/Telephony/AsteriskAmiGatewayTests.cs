using Microsoft.Extensions.Logging.Abstractions;
using Schedario.Web.CallCenter.Telephony;
using static Schedario.Web.CallCenter.Telephony.TelephonyEventKind;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Schedario.Tests.CallCenter.Telephony;

/// <summary>The AMI adapter against <see cref="FakeAmiServer"/> over a real loopback socket.</summary>
public sealed class AsteriskAmiGatewayTests : IAsyncLifetime
{
    const string User = "schedario";
    const string Secret = "ami-s3cret";
    readonly FakeAmiServer server = new(User, Secret);
    readonly RecordingSink sink = new();
    AsteriskAmiGateway gateway = null!;

    public Task InitializeAsync()
    {
        gateway = new AsteriskAmiGateway(MsOptions.Create(new AsteriskOptions
        {
            Host = "127.0.0.1", Port = server.Port, Username = User, Secret = Secret, Context = "from-internal",
            ReconnectMinSeconds = 0.05, ReconnectMaxSeconds = 0.2, ActionTimeoutSeconds = 5,
        }), RecordingSink.Scopes(sink), TimeProvider.System, NullLogger<AsteriskAmiGateway>.Instance);
        return gateway.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await gateway.StopAsync(CancellationToken.None);
        gateway.Dispose();
        await server.DisposeAsync();
    }

    /// <summary>A second gateway with settings of its own, on its own fake PBX, logged in.</summary>
    static async Task<AsteriskAmiGateway> StartGatewayAsync(FakeAmiServer pbx, RecordingSink events, Action<AsteriskOptions> configure)
    {
        var options = new AsteriskOptions { Host = "127.0.0.1", Port = pbx.Port, Username = User, Secret = Secret, ActionTimeoutSeconds = 5 };
        configure(options);
        var g = new AsteriskAmiGateway(MsOptions.Create(options), RecordingSink.Scopes(events), TimeProvider.System, NullLogger<AsteriskAmiGateway>.Instance);
        await g.StartAsync(CancellationToken.None);
        await g.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return g;
    }

    static DateTime Unix(double seconds) => DateTime.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));

    [Fact]
    public async Task Logs_in_with_the_configured_credentials()
    {
        await gateway.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var login = await server.WaitForActionAsync("Login");
        Assert.Equal((User, Secret, "on"), (login["Username"], login["Secret"], login["Events"]));
        Assert.False(string.IsNullOrEmpty(login.ActionId));
        Assert.Equal(AmiConnectionState.Connected, gateway.State);
        Assert.Equal("asterisk", gateway.Source);
    }

    [Fact]
    public async Task Inbound_call_rings_is_redirected_answered_recorded_and_hung_up()
    {
        await gateway.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await server.ReplayAsync("inbound-1-ringing.txt");
        var ringing = Assert.Single(await sink.WaitForAsync(1));
        Assert.Equal(("asterisk", "1772443800.18", Ringing, CallDirection.Inbound, "3331234567", "0212345678", Unix(1772443800.104211)),
            (ringing.Source, ringing.CallId, ringing.Kind, ringing.Direction, ringing.CallerNumber, ringing.CalledNumber, ringing.OccurredAt));

        // The operator accepts on the phone bar: the caller's channel goes to their extension.
        await gateway.AnswerAsync("1772443800.18", "201");
        var redirect = await server.WaitForActionAsync("Redirect");
        Assert.Equal(("PJSIP/trunk-eolo-00000012", "201", "from-internal", "1"), (redirect["Channel"], redirect["Exten"], redirect["Context"], redirect["Priority"]));

        await server.ReplayAsync("inbound-2-answered.txt");
        var events = await sink.WaitForAsync(3);
        Assert.Equal([Ringing, Answered, Recording], events.Select(e => e.Kind));
        Assert.Equal(("201", Unix(1772443806.5)), (events[1].Extension, events[1].OccurredAt));
        Assert.EndsWith("1772443800.18.wav", events[2].RecordingRef);

        await gateway.HangUpAsync("1772443800.18");
        var hangup = await server.WaitForActionAsync("Hangup");
        Assert.Equal(("PJSIP/trunk-eolo-00000012", "16"), (hangup["Channel"], hangup["Cause"]));

        await server.ReplayAsync("inbound-3-hangup.txt");
        events = await sink.WaitForAsync(4);
        var hungUp = events[3];
        Assert.Equal((HungUp, "1772443800.18", 95, "normal", "201"), (hungUp.Kind, hungUp.CallId, hungUp.DurationSeconds!.Value, hungUp.Cause, hungUp.Extension));
        await Task.Delay(200); // nothing more comes (the operator's leg hanging up is not a second end)
        Assert.Equal(4, sink.Events.Count);

        // The call is over: hanging it up again sends nothing.
        await gateway.HangUpAsync("1772443800.18");
        Assert.Single(server.Actions, a => a["Action"] == "Hangup");
    }

    [Fact]
    public async Task Outbound_originate_that_is_not_answered_ends_with_no_answer()
    {
        await gateway.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var callId = await gateway.PlaceCallAsync(new PlaceCallRequest("201", "333 9876540", CallerId: "0212345678", Reference: "entry-77"));

        var originate = await server.WaitForActionAsync("Originate");
        Assert.Equal(("PJSIP/201", "3339876540", "from-internal", "1", "true", "0212345678", callId),
            (originate["Channel"], originate["Exten"], originate["Context"], originate["Priority"], originate["Async"], originate["CallerID"], originate["ChannelId"]));
        Assert.Equal("30000", originate["Timeout"]);
        Assert.Equal([$"SCHEDARIO_CALLID={callId}", "SCHEDARIO_REF=entry-77"], originate.All("Variable"));

        var ringing = Assert.Single(await sink.WaitForAsync(1));
        Assert.Equal((callId, Ringing, CallDirection.Outbound, "201", "333 9876540"), (ringing.CallId, ringing.Kind, ringing.Direction, ringing.Extension, ringing.CalledNumber));

        await server.ReplayAsync("outbound-no-answer.txt", new Dictionary<string, string> { ["ChannelId"] = callId, ["ActionID"] = originate.ActionId! });
        var events = await sink.WaitForAsync(2);
        await Task.Delay(200);
        Assert.Equal([Ringing, HungUp], sink.Events.Select(e => e.Kind)); // the operator picking up is not the customer answering
        Assert.Equal((callId, "no-answer", 0, Unix(1772444032.360001)), (events[1].CallId, events[1].Cause, events[1].DurationSeconds!.Value, events[1].OccurredAt));
    }

    [Theory]
    [InlineData("HUMAN", "HUMAN-300-1200", null)]
    [InlineData("NOTSURE", "TOOLONG-5000", null)]
    [InlineData("MACHINE", "LONGGREETING-1600-1500", "machine")]
    public async Task A_dialer_call_dials_the_number_first_and_counts_as_answered_once_the_machine_detection_says_who(string status, string cause, string? expectedCause)
    {
        await gateway.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var callId = await gateway.PlaceCallAsync(new PlaceCallRequest(PlaceCallRequest.DialerQueuePrefix + "7", "333 9876540", Reference: "dialer:55"));

        // No operator's phone first: the number is dialled through the dialer's context, and the answered
        // half waits in the answered context (machine detection, then the operator or the abandon message).
        var originate = await server.WaitForActionAsync("Originate");
        Assert.Equal(("Local/3339876540@schedario-dialer", "s", "schedario-dialer-answered", "1", "25000", "true", callId),
            (originate["Channel"], originate["Exten"], originate["Context"], originate["Priority"], originate["Timeout"], originate["Async"], originate["ChannelId"]));
        Assert.Equal([$"SCHEDARIO_CALLID={callId}", "SCHEDARIO_REF=dialer:55"], originate.All("Variable"));

        var values = new Dictionary<string, string> { ["ChannelId"] = callId, ["AmdStatus"] = status, ["AmdCause"] = cause };
        await server.ReplayAsync("dialer-1-picked-up.txt", values);
        await sink.WaitForAsync(1);
        await Task.Delay(300);
        // The line picked up, but who picked up is not known yet: a machine must never get an operator.
        Assert.Equal([Ringing], sink.Events.Select(e => e.Kind));

        await server.ReplayAsync("dialer-2-amd.txt", values);
        var answered = (await sink.WaitForAsync(2))[1];
        // Dated when the line picked up: the abandon grace runs from the person's "pronto", not from the detection.
        Assert.Equal((Answered, callId, expectedCause, Unix(1772445013.4802)), (answered.Kind, answered.CallId, answered.Cause, answered.OccurredAt));
        await Task.Delay(200);
        Assert.Equal(2, sink.Events.Count);
        if (expectedCause is not null) return;

        // A person: the waiting half of the call is sent to the operator's extension.
        await gateway.ConnectAsync(callId, "201");
        var redirect = await server.WaitForActionAsync("Redirect");
        Assert.Equal(("Local/3339876540@schedario-dialer-00000005;1", "201", "from-internal"), (redirect["Channel"], redirect["Exten"], redirect["Context"]));
    }

    [Fact]
    public async Task The_dialer_gives_up_on_a_ringing_call_with_a_hangup_but_never_once_the_line_picked_up()
    {
        await gateway.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var ringing = await gateway.PlaceCallAsync(new PlaceCallRequest(PlaceCallRequest.DialerQueuePrefix + "7", "3339876540"));
        await server.WaitForActionAsync("Originate");
        await server.ReplayAsync("dialer-0-ringing.txt", new Dictionary<string, string> { ["ChannelId"] = ringing });
        await Task.Delay(200);
        Assert.True(await gateway.CancelRingingAsync(ringing));
        var hangup = await server.WaitForActionAsync("Hangup");
        Assert.Equal(("Local/3339876540@schedario-dialer-00000005;1", "16"), (hangup["Channel"], hangup["Cause"]));

        // Picked up, machine detection still listening (it may be a person saying "pronto"): left alone.
        var pickedUp = await gateway.PlaceCallAsync(new PlaceCallRequest(PlaceCallRequest.DialerQueuePrefix + "7", "3339876541"));
        await server.WaitForActionAsync("Originate", occurrence: 2);
        await server.ReplayAsync("dialer-1-picked-up.txt", new Dictionary<string, string> { ["ChannelId"] = pickedUp });
        await Task.Delay(300);
        Assert.False(await gateway.CancelRingingAsync(pickedUp));
        Assert.False(await gateway.CancelRingingAsync("schedario-unknown"));
        await Task.Delay(200);
        Assert.Single(server.Actions, a => a["Action"] == "Hangup");
    }

    [Fact]
    public async Task A_dialer_call_whose_machine_detection_never_reports_counts_as_a_person_after_the_time_out()
    {
        await using var pbx = new FakeAmiServer(User, Secret);
        var events = new RecordingSink();
        using var g = await StartGatewayAsync(pbx, events, o => o.DialerAmdTimeoutSeconds = 0.5);
        try
        {
            var callId = await g.PlaceCallAsync(new PlaceCallRequest(PlaceCallRequest.DialerQueuePrefix + "7", "3339876540"));
            await pbx.WaitForActionAsync("Originate");
            // The dialplan has no UserEvent: without the time-out this would be a silent call nobody counts.
            await pbx.ReplayAsync("dialer-1-picked-up.txt", new Dictionary<string, string> { ["ChannelId"] = callId });
            var answered = (await events.WaitForAsync(2))[1];
            Assert.Equal((Answered, callId, (string?)null, Unix(1772445013.4802)), (answered.Kind, answered.CallId, answered.Cause, answered.OccurredAt));

            // A late verdict changes nothing: the answer was reported once.
            await pbx.ReplayAsync("dialer-2-amd.txt", new Dictionary<string, string> { ["ChannelId"] = callId, ["AmdStatus"] = "MACHINE", ["AmdCause"] = "TOOLONG-5000" });
            await Task.Delay(300);
            Assert.Equal(2, events.Events.Count);
        }
        finally { await g.StopAsync(CancellationToken.None); }
    }

    [Fact]
    public async Task Without_machine_detection_a_dialer_call_is_answered_when_the_line_picks_up()
    {
        await using var pbx = new FakeAmiServer(User, Secret);
        var events = new RecordingSink();
        using var plain = await StartGatewayAsync(pbx, events, o => o.DialerAmd = false);
        try
        {
            var callId = await plain.PlaceCallAsync(new PlaceCallRequest(PlaceCallRequest.DialerQueuePrefix + "7", "3339876540"));
            await pbx.WaitForActionAsync("Originate");
            await pbx.ReplayAsync("dialer-1-picked-up.txt", new Dictionary<string, string> { ["ChannelId"] = callId });
            var answered = (await events.WaitForAsync(2))[1];
            Assert.Equal((Answered, callId, (string?)null, Unix(1772445013.4802)), (answered.Kind, answered.CallId, answered.Cause, answered.OccurredAt));
        }
        finally { await plain.StopAsync(CancellationToken.None); }
    }

    [Fact]
    public async Task Reconnects_and_logs_in_again_after_the_server_drops_the_connection()
    {
        await gateway.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        server.DropConnection();
        var second = await server.WaitForActionAsync("Login", occurrence: 2);
        Assert.Equal(Secret, second["Secret"]);
        await gateway.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, gateway.Logins);

        // Events flow on the new connection.
        await server.ReplayAsync("inbound-1-ringing.txt");
        Assert.Equal(Ringing, Assert.Single(await sink.WaitForAsync(1)).Kind);
    }

    [Fact]
    public async Task A_refused_login_is_reported_clearly_and_retried()
    {
        // The secret changes on the PBX while we are connected; the next login (after a drop) is refused.
        await gateway.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        server.Secret = "changed-on-the-pbx";
        server.DropConnection();
        await server.WaitForActionAsync("Login", occurrence: 2);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (gateway.State != AmiConnectionState.LoginFailed && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(AmiConnectionState.LoginFailed, gateway.State);
        Assert.Contains("refused the login of user 'schedario'", gateway.LastError);
        Assert.Contains("Authentication failed", gateway.LastError);
        var e = await Assert.ThrowsAsync<TelephonyGatewayException>(() => gateway.PlaceCallAsync(new PlaceCallRequest("201", "3331234567")));
        Assert.Contains("not connected", e.Message);

        // Fixed on the PBX: the next attempt gets in.
        server.Secret = Secret;
        await gateway.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(AmiConnectionState.Connected, gateway.State);
        Assert.Null(gateway.LastError);
    }
}
