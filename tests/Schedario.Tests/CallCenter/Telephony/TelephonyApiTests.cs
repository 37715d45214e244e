using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Telephony;

namespace Schedario.Tests.CallCenter.Telephony;

public abstract class TelephonyApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : TelephonyFixture
{
    TelephonyAppFactory App => fixture.App;

    static string NewId() => "wh-" + Guid.NewGuid().ToString("N");

    static HttpRequestMessage Signed(string body, long? timestamp = null, string secret = TelephonyAppFactory.WebhookSecret, string? signature = null)
    {
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telephony/events") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(TelephonyWebhook.TimestampHeader, ts);
        request.Headers.Add(TelephonyWebhook.SignatureHeader, signature ?? TelephonyWebhook.Sign(secret, ts, bytes));
        return request;
    }

    static string Body(string callId, string kind, string source = "pbx-test", string extra = "") =>
        $$"""{ "source": "{{source}}", "callId": "{{callId}}", "kind": "{{kind}}", "occurredAt": "2026-03-02T09:30:00Z", "direction": "inbound", "caller": "3331234567", "called": "0212345678"{{extra}} }""";

    static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_signed_event_is_accepted_and_its_result_returned()
    {
        using var client = App.CreateClient();
        var id = NewId();
        var response = await client.SendAsync(Signed(Body(id, "ringing")));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("applied", (await Json(response)).GetProperty("result").GetString());

        response = await client.SendAsync(Signed(Body(id, "ringing")));
        Assert.Equal("duplicate", (await Json(response)).GetProperty("result").GetString());
        response = await client.SendAsync(Signed(Body(id, "hungUp", extra: """, "durationSeconds": 12, "cause": "normal" """)));
        Assert.Equal("applied", (await Json(response)).GetProperty("result").GetString());
        response = await client.SendAsync(Signed(Body(id, "answered", extra: """, "extension": "201" """)));
        Assert.Equal("outOfOrder", (await Json(response)).GetProperty("result").GetString());
        response = await client.SendAsync(Signed(Body(NewId(), "hungUp")));
        Assert.Equal("unknownCall", (await Json(response)).GetProperty("result").GetString());

        var call = Assert.Single(await App.CallsAsync("pbx-test", id));
        Assert.Equal((TelephonyCallState.Ended, "+393331234567", 12), (call.State, call.CallerNumber, call.DurationSeconds!.Value));
        var events = await App.EventsAsync("pbx-test", id);
        Assert.Equal(4, events.Count);
        Assert.Contains("\"callId\"", events[0].Payload); // the raw body is kept
    }

    [Fact]
    public async Task A_bad_signature_is_401_and_writes_nothing()
    {
        using var client = App.CreateClient();
        var id = NewId();
        var wrongSecret = await client.SendAsync(Signed(Body(id, "ringing"), secret: "another-secret"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Equal("application/problem+json", wrongSecret.Content.Headers.ContentType?.MediaType);
        var garbage = await client.SendAsync(Signed(Body(id, "ringing"), signature: "sha256=zz"));
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
        var missing = await client.PostAsync("/api/v1/telephony/events", new StringContent(Body(id, "ringing"), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);

        // The body changed after signing.
        var request = Signed(Body(id, "ringing"));
        request.Content = new StringContent(Body(id, "answered"), Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request)).StatusCode);

        Assert.Empty(await App.EventsAsync("pbx-test", id));
        Assert.Empty(await App.CallsAsync("pbx-test", id));
    }

    [Fact]
    public async Task A_stale_timestamp_is_refused()
    {
        using var client = App.CreateClient();
        var id = NewId();
        var old = DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds();
        var response = await client.SendAsync(Signed(Body(id, "ringing"), timestamp: old));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(TelephonyWebhook.TimestampHeader, (await Json(response)).GetProperty("detail").GetString());
        var fresh = DateTimeOffset.UtcNow.AddMinutes(-4).ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Signed(Body(id, "ringing"), timestamp: fresh))).StatusCode);
    }

    [Theory]
    [InlineData("""{ "kind": "ringing" }""", "callId")]
    [InlineData("""{ "callId": "x1" }""", "kind")]
    [InlineData("""{ "callId": "x1", "kind": "exploded" }""", "kind")]
    [InlineData("""{ "callId": "x1", "kind": "recording" }""", "recordingRef")]
    [InlineData("""{ "callId": "x1", "kind": "hungUp", "durationSeconds": -3 }""", "durationSeconds")]
    [InlineData("""{ "callId": "x1", "kind": "ringing", "occurredAt": "yesterday" }""", "occurredAt")]
    [InlineData("""{ "callId": "x1", "kind": "ringing", "direction": "sideways" }""", "direction")]
    [InlineData("""{ "callId": "x1", "kind": "ringing" """, "body")]
    public async Task Bad_bodies_are_400_naming_the_field(string body, string field)
    {
        using var client = App.CreateClient();
        var response = await client.SendAsync(Signed(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
        Assert.Empty(await App.EventsAsync("cti", "x1"));
    }

    [Fact]
    public async Task Without_a_secret_the_webhook_answers_503_and_accepts_nothing()
    {
        await using var unconfigured = App.WithWebHostBuilder(b => b.UseSetting("Telephony:WebhookSecret", ""));
        using var client = unconfigured.CreateClient();
        var id = NewId();
        var response = await client.SendAsync(Signed(Body(id, "ringing")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await App.EventsAsync("pbx-test", id));
    }

    [Fact]
    public async Task A_supervisor_simulates_an_inbound_call_and_reads_it_in_the_log()
    {
        using var admin = await App.CreateAdminClientAsync();
        var caller = "+39 333 " + Random.Shared.Next(1000000, 9999999);
        var response = await admin.PostAsJsonAsync("/api/v1/telephony/simulate/inbound", new { caller, called = "02 1234 5678" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var callId = (await Json(response)).GetProperty("callId").GetString();
        Assert.StartsWith("sim-", callId);

        var page = await Json(await admin.GetAsync($"/api/v1/telephony/calls?number={Uri.EscapeDataString(caller)}"));
        var call = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal((callId, "sim", "ringing", "inbound", "+390212345678"),
            (call.GetProperty("externalId").GetString(), call.GetProperty("source").GetString(), call.GetProperty("state").GetString(),
             call.GetProperty("direction").GetString(), call.GetProperty("calledNumber").GetString()));
        var id = call.GetProperty("id").GetInt64();
        var events = await Json(await admin.GetAsync($"/api/v1/telephony/calls/{id}/events"));
        var e = Assert.Single(events.EnumerateArray());
        Assert.Equal(("ringing", "applied"), (e.GetProperty("kind").GetString(), e.GetProperty("result").GetString()));

        var bad = await admin.PostAsJsonAsync("/api/v1/telephony/simulate/inbound", new { caller = "12", called = "0212345678" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await Json(bad)).GetProperty("errors").TryGetProperty("caller", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/telephony/calls/99999999/events")).StatusCode);
    }

    [Fact]
    public async Task The_log_pages_newest_first_and_filters()
    {
        using var admin = await App.CreateAdminClientAsync();
        var number = "+39 347 " + Random.Shared.Next(1000000, 9999999);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = NewId();
            ids.Add(id);
            await App.SendAsync(new TelephonyEvent("pbx-test", id, TelephonyEventKind.Ringing, DateTime.UtcNow, CallerNumber: number));
        }
        await App.SendAsync(new TelephonyEvent("pbx-test", ids[0], TelephonyEventKind.HungUp, DateTime.UtcNow));

        var first = await Json(await admin.GetAsync($"/api/v1/telephony/calls?limit=2&number={Uri.EscapeDataString(number)}"));
        Assert.Equal([ids[2], ids[1]], first.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("externalId").GetString()));
        var before = first.GetProperty("nextBefore").GetInt64();
        var second = await Json(await admin.GetAsync($"/api/v1/telephony/calls?limit=2&before={before}&number={Uri.EscapeDataString(number)}"));
        Assert.Equal([ids[0]], second.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("externalId").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextBefore").ValueKind);

        var ended = await Json(await admin.GetAsync($"/api/v1/telephony/calls?state=ended&number={Uri.EscapeDataString(number)}"));
        Assert.Equal([ids[0]], ended.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("externalId").GetString()));
        var badState = await admin.GetAsync("/api/v1/telephony/calls?state=flying");
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.True((await Json(badState)).GetProperty("errors").TryGetProperty("state", out _));
    }

    [Fact]
    public async Task Simulating_is_a_conflict_when_the_provider_is_not_the_simulator()
    {
        await using var asterisk = App.WithWebHostBuilder(b =>
        {
            b.UseSetting("Telephony:Provider", "asterisk");
            // Nothing listens there: the gateway keeps trying in the background, which is all this test needs.
            b.UseSetting("Telephony:Asterisk:Host", "127.0.0.1");
            b.UseSetting("Telephony:Asterisk:Port", "9");
        });
        var token = await App.GetTokenAsync(SchedarioAppFactory.AdminUserName, SchedarioAppFactory.AdminPassword);
        using var client = asterisk.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var response = await client.PostAsJsonAsync("/api/v1/telephony/simulate/inbound", new { caller = "3331234567", called = "0212345678" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_call_announced_by_the_signed_webhook_rings_for_the_services_ready_operator_and_its_hang_up_frees_them()
    {
        using var admin = await App.CreateAdminClientAsync();
        var kit = new Schedario.Tests.CallCenter.Inbound.InboundKit(App, admin);
        var (service, ops) = await kit.ServiceAsync(1);
        await Schedario.Tests.CallCenter.Inbound.InboundKit.ReadyAsync(ops[0].Client);
        var id = NewId();
        string Event(string kind, string extra = "") =>
            $$"""{ "source": "pbx-cti", "callId": "{{id}}", "kind": "{{kind}}", "occurredAt": "{{DateTime.UtcNow:O}}", "direction": "inbound", "caller": "0612345678", "called": "{{service.Number}}"{{extra}} }""";

        using var client = App.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Signed(Event("ringing")))).StatusCode);
        var bar = await Schedario.Tests.CallCenter.Inbound.InboundKit.WaitForAsync(ops[0].Client, "Ringing");
        Assert.Equal("+390612345678", bar.CallerNumber);
        Assert.Equal(service.Name, bar.ServiceName);

        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Signed(Event("hungUp", """, "durationSeconds": 0, "cause": "abandoned" """)))).StatusCode);
        await Schedario.Tests.CallCenter.Inbound.InboundKit.WaitForAsync(ops[0].Client, "Ready");
    }
}

public sealed class TelephonyApiTests_Sqlite(SqliteTelephonyFixture f) : TelephonyApiTests<SqliteTelephonyFixture>(f);
public sealed class TelephonyApiTests_Postgres(PostgresTelephonyFixture f) : TelephonyApiTests<PostgresTelephonyFixture>(f);
