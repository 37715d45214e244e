using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Audit;
using Schedario.Web.CallCenter.Inbound;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Campaigns;
using Schedario.Web.Identity;
using Schedario.Web.Registry;
using static Schedario.Tests.Access.AccessKit;
using static Schedario.Tests.CallCenter.Inbound.InboundKit;

namespace Schedario.Tests.CallCenter.Inbound;

/// <summary>
/// Seed 003's inbound flow over the API: a call to a service's number rings only for a ready
/// operator with the bar open (longest idle first), the bar shows the caller and whether they are
/// the operator's customer, accepting opens the screen with the record and its last contacts, and
/// closing needs every field of the form.
/// </summary>
public abstract class InboundFlowTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;

    async Task<(HttpClient Admin, InboundKit Kit)> KitAsync()
    {
        var admin = await App.CreateAdminClientAsync();
        return (admin, new InboundKit(App, admin));
    }

    static string Mobile() => "+393" + Random.Shared.Next(10_000_000, 99_999_999) + Random.Shared.Next(0, 9);

    [Fact]
    public async Task A_call_rings_only_for_the_longest_idle_ready_operator_with_the_bar_open()
    {
        var (_, kit) = await KitAsync();
        var (service, ops) = await kit.ServiceAsync(4);
        await ReadyAsync(ops[0].Client);
        await ReadyAsync(ops[1].Client);
        await OkAsync<PhoneBarDto>(await ops[2].Client.PostAsJsonAsync("/api/v1/phone-bar/open", new { }));
        await OkAsync<PhoneBarDto>(await ops[2].Client.PostAsJsonAsync("/api/v1/phone-bar/state", new { state = "paused", pauseReason = "Pranzo" }));
        // ops[3] never opens the bar: seed 003, no calls without the phone bar.

        var caller1 = Mobile();
        await kit.RingAsync(caller1, service.Number);
        var bar = await WaitForAsync(ops[0].Client, "Ringing");
        Assert.Equal(caller1, bar.CallerNumber);
        Assert.Equal(service.Name, bar.ServiceName);
        Assert.Equal("Ready", (await BarAsync(ops[1].Client)).State);

        await kit.RingAsync(Mobile(), service.Number);
        await WaitForAsync(ops[1].Client, "Ringing");

        // Nobody else is ready: the third call waits, and rings as soon as someone goes ready.
        var caller3 = Mobile();
        await kit.RingAsync(caller3, service.Number);
        await Task.Delay(300);
        Assert.Equal("Paused", (await BarAsync(ops[2].Client)).State);
        Assert.Equal("Offline", (await BarAsync(ops[3].Client)).State);
        await OkAsync<PhoneBarDto>(await ops[2].Client.PostAsJsonAsync("/api/v1/phone-bar/state", new { state = "ready" }));
        Assert.Equal(caller3, (await WaitForAsync(ops[2].Client, "Ringing")).CallerNumber);

        // Without an open bar an operator cannot even go ready.
        await AssertRuleAsync(await ops[3].Client.PostAsJsonAsync("/api/v1/phone-bar/state", new { state = "ready" }), "bar-closed");
        var bad = await ProblemAsync(await ops[2].Client.PostAsJsonAsync("/api/v1/phone-bar/state", new { state = "paused", pauseReason = "Boh" }), HttpStatusCode.BadRequest);
        AssertFieldError(bad, "pauseReason");
    }

    [Fact]
    public async Task A_rejected_call_goes_to_the_next_ready_operator()
    {
        var (_, kit) = await KitAsync();
        var (service, ops) = await kit.ServiceAsync(2);
        await ReadyAsync(ops[0].Client);
        await ReadyAsync(ops[1].Client);
        await kit.RingAsync(Mobile(), service.Number);
        await WaitForAsync(ops[0].Client, "Ringing");
        Assert.Equal(HttpStatusCode.NoContent, (await ops[0].Client.PostAsync("/api/v1/phone-bar/reject", null)).StatusCode);
        await WaitForAsync(ops[1].Client, "Ringing");
        Assert.Equal("Ready", (await BarAsync(ops[0].Client)).State);
    }

    [Fact]
    public async Task The_bar_shows_the_owner_and_the_screen_shows_characteristics_and_the_last_three_plus_three_contacts()
    {
        var (admin, kit) = await KitAsync();
        var portfolio = await kit.Access.PortfolioTypeAsync();
        var (service, ops) = await kit.ServiceAsync(1, portfolio.Id);
        var op = ops[0];
        var (record, phone) = await kit.Access.RecordAsync("Inb" + Unique(), portfolio.Id, op.SubjectId);
        var code = "PC" + Unique().ToUpperInvariant();
        await OkAsync<CharacteristicDto>(await admin.PostAsJsonAsync("/api/v1/characteristics", new { code, description = "Ha un PC", category = "Interessi" }));
        await OkAsync<CustomerCharacteristicDto>(await admin.PostAsJsonAsync($"/api/v1/customers/{record.Id}/characteristics", new { code, date = DateOnly.FromDateTime(DateTime.Today) }));
        await kit.SeedHistoryAsync(record.Id, inbound: 4, outbound: 4);

        await ReadyAsync(op.Client);
        await kit.RingAsync(phone, service.Number);
        var bar = await WaitForAsync(op.Client, "Ringing");
        Assert.Equal(record.DisplayName, bar.CustomerName);
        Assert.True(bar.OwnerIsMe, "the record is owned by this operator for the service's portfolio type");
        // The screen pop, before answering: the record, its characteristics and the last 3 + 3 contacts.
        var pop = (await op.Client.GetFromJsonAsync<CallerPopDto>("/api/v1/phone-bar/pop"))!;
        Assert.Equal(record.Id, pop.Record.Id);
        Assert.NotEmpty(pop.Record.Characteristics);
        Assert.Equal(["inbound-note-3", "inbound-note-2", "inbound-note-1"], pop.LastInbound.Select(c => c.Note));
        Assert.Equal(["outbound-note-3", "outbound-note-2", "outbound-note-1"], pop.LastOutbound.Select(c => c.Note));
        var (_, stranger, _) = await kit.Access.UserAsync(Roles.Operator, null);
        Assert.Equal(HttpStatusCode.NoContent, (await stranger.GetAsync("/api/v1/phone-bar/pop")).StatusCode);

        var contactId = await kit.AcceptAsync(op.Client);
        Assert.Equal("OnCall", (await BarAsync(op.Client)).State);
        var screen = (await op.Client.GetFromJsonAsync<InboundScreenDto>($"/api/v1/inbound-contacts/{contactId}"))!;
        Assert.Equal(record.Id, screen.Customer?.Id);
        Assert.True(screen.OwnerIsMe);
        Assert.NotEmpty(screen.Customer!.Characteristics);
        Assert.Equal(3, screen.LastContactsN);
        Assert.Equal(3, screen.LastInbound.Count);
        Assert.Equal(3, screen.LastOutbound.Count);
        Assert.True(screen.LastInbound.Zip(screen.LastInbound.Skip(1)).All(p => p.First.At >= p.Second.At), "newest first");
        Assert.Equal(["inbound-note-3", "inbound-note-2", "inbound-note-1"], screen.LastInbound.Select(c => c.Note));
        Assert.Equal(["outbound-note-3", "outbound-note-2", "outbound-note-1"], screen.LastOutbound.Select(c => c.Note));
    }

    [Fact]
    public async Task Closing_needs_every_field_and_then_frees_the_operator_a_pending_request_is_followed_up()
    {
        var (admin, kit) = await KitAsync();
        var (service, ops) = await kit.ServiceAsync(1);
        var op = ops[0];
        await ReadyAsync(op.Client);
        await kit.RingAsync(Mobile(), service.Number);
        await WaitForAsync(op.Client, "Ringing");
        var contactId = await kit.AcceptAsync(op.Client);

        var empty = await ProblemAsync(await op.Client.PostAsJsonAsync($"/api/v1/inbound-contacts/{contactId}/close", new { }), HttpStatusCode.BadRequest);
        foreach (var field in new[] { "outcomeId", "actionId", "groupId", "groupDetailId", "contactName", "consent", "documentType", "documentNumber", "notes" })
            AssertFieldError(empty, field);
        var codes = await kit.CodesAsync();
        var wrongDetail = codes.First(c => c.Kind == InboundCodeKind.GroupDetail && c.GroupId != codes.First(g => g.Code == "INFO").Id);
        var valid = await kit.ValidClosingAsync("RICHIAMO");
        var mixed = System.Text.Json.JsonSerializer.SerializeToElement(valid);
        var dict = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(mixed.GetRawText())!;
        dict["groupDetailId"] = wrongDetail.Id;
        AssertFieldError(await ProblemAsync(await op.Client.PostAsJsonAsync($"/api/v1/inbound-contacts/{contactId}/close", dict), HttpStatusCode.BadRequest), "groupDetailId");
        Assert.Equal("open", (await op.Client.GetFromJsonAsync<InboundScreenDto>($"/api/v1/inbound-contacts/{contactId}"))!.Status);

        var closed = await OkAsync<InboundScreenDto>(await op.Client.PostAsJsonAsync($"/api/v1/inbound-contacts/{contactId}/close", valid));
        Assert.Equal("pending", closed.Status);
        Assert.Equal("CA12345AB", closed.Closing.DocumentNumber);
        await WaitForAsync(op.Client, "Ready");
        await AssertRuleAsync(await op.Client.PostAsJsonAsync($"/api/v1/inbound-contacts/{contactId}/close", valid), "contact-closed");

        var pending = (await op.Client.GetFromJsonAsync<InboundLogPage>("/api/v1/inbound-contacts?status=pending"))!;
        Assert.Contains(pending.Items, r => r.Id == contactId);
        AssertFieldError(await ProblemAsync(await op.Client.PostAsJsonAsync($"/api/v1/inbound-contacts/{contactId}/follow-ups", new { note = "", resolve = true }), HttpStatusCode.BadRequest), "note");
        var follow = await op.Client.PostAsJsonAsync($"/api/v1/inbound-contacts/{contactId}/follow-ups", new { note = "Richiamato, documenti inviati", resolve = true });
        Assert.Equal(HttpStatusCode.Created, follow.StatusCode);
        Assert.DoesNotContain((await op.Client.GetFromJsonAsync<InboundLogPage>("/api/v1/inbound-contacts?status=pending"))!.Items, r => r.Id == contactId);
        Assert.Contains((await admin.GetFromJsonAsync<InboundLogPage>("/api/v1/inbound-contacts?status=resolved"))!.Items, r => r.Id == contactId);
    }

    [Fact]
    public async Task The_accepted_call_grants_the_callers_record_for_that_call_only_and_is_audited()
    {
        var (admin, kit) = await KitAsync();
        var agency = await kit.Access.AgencyAsync();
        var (service, ops) = await kit.ServiceAsync(1, agencyId: agency.Id);
        var op = ops[0];
        var (owner, _, ownerSubject) = await kit.Access.UserAsync(Roles.Operator, (await kit.Access.AgencyAsync()).Id);
        var portfolio = await kit.Access.PortfolioTypeAsync();
        var (record, phone) = await kit.Access.RecordAsync("Grant" + Unique(), portfolio.Id, ownerSubject);
        await ProblemAsync(await op.Client.GetAsync($"/api/v1/customers/{record.Id}"), HttpStatusCode.NotFound);

        await ReadyAsync(op.Client);
        await kit.RingAsync(phone, service.Number);
        Assert.Equal(record.DisplayName, (await WaitForAsync(op.Client, "Ringing")).CustomerName);
        var contactId = await kit.AcceptAsync(op.Client);
        var screen = (await op.Client.GetFromJsonAsync<InboundScreenDto>($"/api/v1/inbound-contacts/{contactId}"))!;
        Assert.Equal(record.Id, screen.Customer?.Id);
        var audit = await kit.WithDbAsync(db => db.Set<AuditEntry>().Where(a => a.Action == InboundDesk.AuditAccept && a.CustomerId == record.Id).ToListAsync());
        Assert.Single(audit);
        Assert.Equal(op.UserName, audit[0].UserName);

        await OkAsync<InboundScreenDto>(await op.Client.PostAsJsonAsync($"/api/v1/inbound-contacts/{contactId}/close", await kit.ValidClosingAsync()));
        var after = (await op.Client.GetFromJsonAsync<InboundScreenDto>($"/api/v1/inbound-contacts/{contactId}"))!;
        Assert.Null(after.Customer);
        await ProblemAsync(await op.Client.GetAsync($"/api/v1/customers/{record.Id}"), HttpStatusCode.NotFound);
        // Another operator cannot open someone else's contact.
        var (_, stranger, _) = await kit.Access.UserAsync(Roles.Operator, agency.Id);
        await ProblemAsync(await stranger.GetAsync($"/api/v1/inbound-contacts/{contactId}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_caller_who_hangs_up_while_ringing_frees_the_operator_and_the_call_stays_in_the_log()
    {
        var (_, kit) = await KitAsync();
        var (service, ops) = await kit.ServiceAsync(1);
        await ReadyAsync(ops[0].Client);
        var callId = await kit.RingAsync(Mobile(), service.Number);
        await WaitForAsync(ops[0].Client, "Ringing");
        await using (var scope = App.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ITelephonyGateway>().HangUpAsync(callId);
        await WaitForAsync(ops[0].Client, "Ready");
        var call = await kit.WithDbAsync(db => db.TelephonyCalls().FirstAsync(c => c.ExternalId == callId));
        Assert.Equal(TelephonyCallState.Ended, call.State);
        Assert.Equal(ops[0].Id, call.OperatorUserId);
        await AssertRuleAsync(await ops[0].Client.PostAsync("/api/v1/phone-bar/accept", null), "no-call-ringing");
    }

    [Fact]
    public async Task Dialling_from_the_bar_puts_the_operator_on_the_call_and_hanging_up_frees_them()
    {
        var (_, kit) = await KitAsync();
        var (_, ops) = await kit.ServiceAsync(1);
        var op = ops[0];
        AssertFieldError(await ProblemAsync(await op.Client.PostAsJsonAsync("/api/v1/phone-bar/dial", new { number = "12" }), HttpStatusCode.BadRequest), "number");
        await AssertRuleAsync(await op.Client.PostAsJsonAsync("/api/v1/phone-bar/dial", new { number = "333 1234567" }), "bar-closed");
        await ReadyAsync(op.Client);
        var dialled = await op.Client.PostAsJsonAsync("/api/v1/phone-bar/dial", new { number = "333 1234567" });
        Assert.Equal(HttpStatusCode.Accepted, dialled.StatusCode);
        var bar = await WaitForAsync(op.Client, "OnCall");
        Assert.Equal("Outbound", bar.CallDirection);
        Assert.Equal("+393331234567", bar.CalledNumber);
        // No call is offered to an operator already on one.
        Assert.Equal(HttpStatusCode.NoContent, (await op.Client.PostAsync("/api/v1/phone-bar/hangup", null)).StatusCode);
        await WaitForAsync(op.Client, "Ready");
    }

    [Fact]
    public async Task A_call_waiting_in_a_service_with_nobody_ready_does_not_hold_back_another_services_calls()
    {
        var (_, kit) = await KitAsync();
        var (busy, busyOps) = await kit.ServiceAsync(1);
        var (open, openOps) = await kit.ServiceAsync(1);
        foreach (var op in new[] { busyOps[0], openOps[0] })
        {
            await OkAsync<PhoneBarDto>(await op.Client.PostAsJsonAsync("/api/v1/phone-bar/open", new { }));
            await OkAsync<PhoneBarDto>(await op.Client.PostAsJsonAsync("/api/v1/phone-bar/state", new { state = "paused", pauseReason = "Pranzo" }));
        }
        // The older call waits in a service whose only operator stays at lunch.
        await kit.RingAsync(Mobile(), busy.Number);
        var caller = Mobile();
        await kit.RingAsync(caller, open.Number);
        await Task.Delay(300);

        await OkAsync<PhoneBarDto>(await openOps[0].Client.PostAsJsonAsync("/api/v1/phone-bar/state", new { state = "ready" }));
        Assert.Equal(caller, (await WaitForAsync(openOps[0].Client, "Ringing")).CallerNumber);
        Assert.Equal("Paused", (await BarAsync(busyOps[0].Client)).State);
    }

    [Fact]
    public async Task An_offer_not_answered_in_time_pauses_the_operator_and_moves_to_the_next()
    {
        var (admin, kit) = await KitAsync();
        var (service, ops) = await kit.ServiceAsync(2);
        await admin.PutAsJsonAsync("/api/v1/settings/CI0040", new { value = 5 });
        try
        {
            await ReadyAsync(ops[0].Client);
            await ReadyAsync(ops[1].Client);
            await kit.RingAsync(Mobile(), service.Number);
            await WaitForAsync(ops[0].Client, "Ringing");
            await WaitForAsync(ops[1].Client, "Ringing", TimeSpan.FromSeconds(25));
            var first = await BarAsync(ops[0].Client);
            Assert.Equal("Paused", first.State);
            Assert.Equal(PresenceService.MissedCallPause, first.PauseReason);
        }
        finally { await admin.PutAsJsonAsync("/api/v1/settings/CI0040", new { value = 20 }); }
    }

    [Fact]
    public async Task With_CI0036_closing_shows_the_callers_campaign_entries_and_changes_them()
    {
        var (admin, kit) = await KitAsync();
        var (service, ops) = await kit.ServiceAsync(1);
        var op = ops[0];
        var (record, phone) = await kit.Access.RecordAsync("Ci36" + Unique());
        var entryId = await kit.WithDbAsync(async db =>
        {
            var type = new CampaignType { Code = "T" + Unique(), Name = "Tipo" };
            db.Add(type);
            await db.SaveChangesAsync();
            var campaign = new Campaign { Code = "C" + Unique(), Name = "Campagna CI0036", TypeId = type.Id, StartDate = DateOnly.FromDateTime(DateTime.Today), EndDate = DateOnly.FromDateTime(DateTime.Today.AddDays(30)), CreatedAt = DateTime.UtcNow, CreatedBy = "test" };
            db.Add(campaign);
            await db.SaveChangesAsync();
            var entry = new CampaignEntry { CampaignId = campaign.Id, CustomerId = record.Id, State = EntryState.ToCall, CreatedAt = DateTime.UtcNow };
            db.Add(entry);
            await db.SaveChangesAsync();
            return entry.Id;
        });

        await ReadyAsync(op.Client);
        await kit.RingAsync(phone, service.Number);
        await WaitForAsync(op.Client, "Ringing");
        var contactId = await kit.AcceptAsync(op.Client);
        var closing = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(System.Text.Json.JsonSerializer.Serialize(await kit.ValidClosingAsync()))!;
        closing["outboundChanges"] = new[] { new { entryId, outcomeCode = "NON INTERESSATO" } };

        // CI0036 off: the screen hides the outbound situation and a change is refused.
        Assert.False((await op.Client.GetFromJsonAsync<InboundScreenDto>($"/api/v1/inbound-contacts/{contactId}"))!.ShowsOutbound);
        AssertFieldError(await ProblemAsync(await op.Client.PostAsJsonAsync($"/api/v1/inbound-contacts/{contactId}/close", closing), HttpStatusCode.BadRequest), "outboundChanges");

        await admin.PutAsJsonAsync("/api/v1/settings/CI0036", new { value = true });
        try
        {
            var screen = (await op.Client.GetFromJsonAsync<InboundScreenDto>($"/api/v1/inbound-contacts/{contactId}"))!;
            Assert.True(screen.ShowsOutbound);
            Assert.Equal([entryId], screen.OutboundEntries.Select(e => e.EntryId));
            await OkAsync<InboundScreenDto>(await op.Client.PostAsJsonAsync($"/api/v1/inbound-contacts/{contactId}/close", closing));
            var entry = await kit.WithDbAsync(db => db.CampaignEntries().AsNoTracking().FirstAsync(e => e.Id == entryId));
            Assert.Equal(EntryState.Negative, entry.State);
        }
        finally { await admin.PutAsJsonAsync("/api/v1/settings/CI0036", new { value = false }); }
    }

    static async Task AssertRuleAsync(HttpResponseMessage r, string rule)
    {
        var problem = await ProblemAsync(r, (HttpStatusCode)422);
        Assert.Equal(rule, problem.GetProperty("rule").GetString());
    }
}

public sealed class InboundFlowTests_Sqlite(SqliteAppFixture f) : InboundFlowTests<SqliteAppFixture>(f);
public sealed class InboundFlowTests_Postgres(PostgresAppFixture f) : InboundFlowTests<PostgresAppFixture>(f);
