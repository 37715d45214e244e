using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Campaigns;
using Schedario.Web.Identity;
using Schedario.Web.Settings;

namespace Schedario.Tests.Campaigns;

/// <summary>Settings, campaigns, the wizard, the desk and the contact promise through the API, on both databases.</summary>
public abstract class CampaignApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;
    CampaignKit Kit => new(App);
    static readonly DateOnly Jan1 = new(2026, 1, 1), Mar31 = new(2026, 3, 31);

    // ---- settings ----------------------------------------------------------------------------

    [Fact]
    public async Task Settings_are_seeded_typed_and_validated()
    {
        using var admin = await App.CreateAdminClientAsync();
        var all = (await admin.GetFromJsonAsync<List<SettingDto>>("/api/v1/settings"))!;
        Assert.Contains(all, s => s.Code == "CC0028" && s.Type == "int");
        Assert.Contains(all, s => s.Code == "CI0036" && s.Type == "bool");
        Assert.Contains(all, s => s.Code == "LASTCONTACTS");
        var one = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/settings/ci0036");
        Assert.Equal("CI0036", one.GetProperty("code").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.False, one.GetProperty("value").ValueKind);

        var bad = await admin.PutAsJsonAsync("/api/v1/settings/CC0028", new { value = "molti" });
        var p = await CampaignKit.ProblemAsync(bad, HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("value", out _));
        await CampaignKit.ProblemAsync(await admin.PutAsJsonAsync("/api/v1/settings/CC0028", new { value = -1 }), HttpStatusCode.BadRequest);
        await CampaignKit.ProblemAsync(await admin.PutAsJsonAsync("/api/v1/settings/CI0036", new { value = 3 }), HttpStatusCode.BadRequest);
        await CampaignKit.ProblemAsync(await admin.PutAsJsonAsync("/api/v1/settings/NOPE", new { value = 3 }), HttpStatusCode.NotFound);

        var ok = await admin.PutAsJsonAsync("/api/v1/settings/LASTCONTACTS", new { value = 4 });
        Assert.Equal(4, (await ok.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("value").GetInt32());
        await Kit.SetSettingAsync(admin, "LASTCONTACTS", 3);

        var (_, opName) = await Kit.CreateOperatorAsync();
        using var op = await Kit.ClientAsync(opName);
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/api/v1/settings/CC0028")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PutAsJsonAsync("/api/v1/settings/CC0028", new { value = 9 })).StatusCode);
    }

    // ---- wizard --------------------------------------------------------------------------------

    [Fact]
    public async Task Wizard_preview_and_fill_are_idempotent_and_apply_the_exclusions()
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var campaign = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        var (tag, _) = await Kit.SeedCustomersAsync(6);
        var (noConsentTag, _) = await Kit.SeedCustomersAsync(2, phoneConsent: false);

        var preview = await admin.PostAsJsonAsync($"/api/v1/campaigns/{campaign.Id}/wizard/preview", CampaignKit.Wizard(tag));
        var pv = (await preview.Content.ReadFromJsonAsync<WizardPreview>())!;
        Assert.Equal(6, pv.Count);
        Assert.Equal(6, pv.Sample.Count);

        var first = await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tag));
        Assert.Equal((6, 0), (first.Inserted, first.Skipped));
        var again = await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tag));
        Assert.Equal((0, 6), (again.Inserted, again.Skipped));
        Assert.Equal(6, (await Kit.EntriesAsync(campaign.Id)).Count);

        // No phone-marketing consent: skipped unless the requirement is turned off.
        Assert.Equal(0, (await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(noConsentTag))).Inserted);
        Assert.Equal(2, (await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(noConsentTag, requireConsent: false))).Inserted);

        // In another active campaign of the same type: skipped; allowed when the exclusion is off.
        var sibling = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        Assert.Equal(0, (await CampaignKit.FillAsync(admin, sibling.Id, CampaignKit.Wizard(tag))).Inserted);
        Assert.Equal(6, (await CampaignKit.FillAsync(admin, sibling.Id, CampaignKit.Wizard(tag, excludeSameType: false))).Inserted);
    }

    [Fact]
    public async Task Wizard_excludes_names_called_recently_and_refuses_a_retired_campaign()
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var first = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        var (tag, _) = await Kit.SeedCustomersAsync(2);
        await CampaignKit.FillAsync(admin, first.Id, CampaignKit.Wizard(tag));
        var (_, opName) = await Kit.CreateOperatorAsync();
        using var op = await Kit.ClientAsync(opName);
        var card = (await CampaignKit.NextAsync(op, first.Id))!;
        Assert.Equal(HttpStatusCode.OK, (await op.PostAsJsonAsync($"/api/v1/campaign-entries/{card.Entry.Id}/close", new CloseInput { OutcomeCode = "NON INTERESSATO" })).StatusCode);

        var otherType = await CampaignKit.CreateTypeAsync(admin);
        var second = await CampaignKit.CreateCampaignAsync(admin, otherType, Jan1, Mar31);
        Assert.Equal(1, (await CampaignKit.FillAsync(admin, second.Id, CampaignKit.Wizard(tag, calledWithin: 7))).Inserted);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/campaigns/{second.Id}/retire", null)).StatusCode);
        await CampaignKit.AssertRuleAsync(await admin.PostAsJsonAsync($"/api/v1/campaigns/{second.Id}/wizard/fill", CampaignKit.Wizard(tag)), "campaign-retired");
    }

    [Fact]
    public async Task Wizard_distribution_modes_share_names_out()
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var a = await Kit.CreateOperatorAsync();
        var b = await Kit.CreateOperatorAsync();

        var rr = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        var (tag, _) = await Kit.SeedCustomersAsync(5);
        Assert.Equal(5, (await CampaignKit.FillAsync(admin, rr.Id, CampaignKit.Wizard(tag, "roundRobin", [a.Id, b.Id], excludeSameType: false))).Inserted);
        var rrEntries = await Kit.EntriesAsync(rr.Id);
        Assert.Equal([a.Id, b.Id, a.Id, b.Id, a.Id], rrEntries.Select(e => e.AssignedUserId).ToList());

        var eq = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        Assert.Equal(5, (await CampaignKit.FillAsync(admin, eq.Id, CampaignKit.Wizard(tag, "equal", [a.Id, b.Id], excludeSameType: false))).Inserted);
        Assert.Equal([a.Id, a.Id, a.Id, b.Id, b.Id], (await Kit.EntriesAsync(eq.Id)).Select(e => e.AssignedUserId).ToList());

        var pool = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        Assert.Equal(5, (await CampaignKit.FillAsync(admin, pool.Id, CampaignKit.Wizard(tag, "pool", excludeSameType: false))).Inserted);
        Assert.All(await Kit.EntriesAsync(pool.Id), e => Assert.Null(e.AssignedUserId));

        var owner = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        var ownerResult = await CampaignKit.FillAsync(admin, owner.Id, CampaignKit.Wizard(tag, "owner", excludeSameType: false));
        Assert.Equal(5, ownerResult.Inserted);
        Assert.NotNull(ownerResult.Note);
        Assert.All(await Kit.EntriesAsync(owner.Id), e => Assert.Null(e.AssignedUserId));

        var bad = await admin.PostAsJsonAsync($"/api/v1/campaigns/{owner.Id}/wizard/fill", CampaignKit.Wizard(tag, "equal", []));
        Assert.True((await CampaignKit.ProblemAsync(bad, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("distribution.operatorIds", out _));
        bad = await admin.PostAsJsonAsync($"/api/v1/campaigns/{owner.Id}/wizard/fill", CampaignKit.Wizard(tag, "random"));
        await CampaignKit.ProblemAsync(bad, HttpStatusCode.BadRequest);
    }

    // ---- the desk ------------------------------------------------------------------------------

    [Fact]
    public async Task Concurrent_claims_never_serve_a_name_twice()
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var campaign = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        var (tag, _) = await Kit.SeedCustomersAsync(10);
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tag));

        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            using var scope = App.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<DeskService>().NextAsync(campaign.Id, $"concurrent-{i}");
        })));
        var served = claims.OfType<long>().ToList();
        Assert.Equal(10, served.Count);
        Assert.Equal(10, served.Distinct().Count());
        Assert.Equal(10, claims.Count(c => c is null));
    }

    [Fact]
    public async Task An_expired_lease_is_served_again_and_its_holder_can_no_longer_close()
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var campaign = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        var (tag, _) = await Kit.SeedCustomersAsync(1);
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tag));
        var (_, name1) = await Kit.CreateOperatorAsync();
        var (_, name2) = await Kit.CreateOperatorAsync();
        using var op1 = await Kit.ClientAsync(name1);
        using var op2 = await Kit.ClientAsync(name2);

        var card = (await CampaignKit.NextAsync(op1, campaign.Id))!;
        Assert.Null(await CampaignKit.NextAsync(op2, campaign.Id));
        // The same operator asking again gets the name they hold.
        Assert.Equal(card.Entry.Id, (await CampaignKit.NextAsync(op1, campaign.Id))!.Entry.Id);

        await ExpireLeaseAsync(card.Entry.Id);
        await CampaignKit.AssertRuleAsync(await op1.PostAsJsonAsync($"/api/v1/campaign-entries/{card.Entry.Id}/close", new CloseInput { OutcomeCode = "OCCUPATO" }), "lease-expired");

        var again = (await CampaignKit.NextAsync(op2, campaign.Id))!;
        Assert.Equal(card.Entry.Id, again.Entry.Id);
        await CampaignKit.AssertRuleAsync(await op1.PostAsJsonAsync($"/api/v1/campaign-entries/{card.Entry.Id}/close", new CloseInput { OutcomeCode = "OCCUPATO" }), "lease-not-held");
    }

    Task ExpireLeaseAsync(long entryId) => Kit.WithDbAsync(db => db.Set<CampaignEntry>().Where(e => e.Id == entryId)
        .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseUntil, DateTime.UtcNow.AddMinutes(-1))));

    [Fact]
    public async Task Closing_validates_logs_the_call_and_schedules_the_retry()
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var campaign = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        var (tag, _) = await Kit.SeedCustomersAsync(1);
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tag));
        var (opId, opName) = await Kit.CreateOperatorAsync();
        using var op = await Kit.ClientAsync(opName);
        var card = (await CampaignKit.NextAsync(op, campaign.Id))!;
        var url = $"/api/v1/campaign-entries/{card.Entry.Id}/close";

        var p = await CampaignKit.ProblemAsync(await op.PostAsJsonAsync(url, new CloseInput { OutcomeCode = "RICHIAMARE" }), HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("callbackAt", out _));
        p = await CampaignKit.ProblemAsync(await op.PostAsJsonAsync(url, new CloseInput { OutcomeCode = "NON CHIAMARE" }), HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("note", out _));
        p = await CampaignKit.ProblemAsync(await op.PostAsJsonAsync(url, new CloseInput { OutcomeCode = "BOH" }), HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("outcomeCode", out _));
        p = await CampaignKit.ProblemAsync(await op.PostAsJsonAsync(url, new CloseInput { OutcomeCode = "PROMESSA CONTATTO" }), HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("promiseCampaignId", out _));
        Assert.Empty((await Kit.WithDbAsync(db => db.Set<Call>().Where(c => c.EntryId == card.Entry.Id).ToListAsync())));

        var ok = await op.PostAsJsonAsync(url, new CloseInput { OutcomeCode = "non risponde", Note = "squilla a vuoto" });
        var result = (await ok.Content.ReadFromJsonAsync<CloseResult>())!;
        Assert.Equal("toCall", result.Entry.State);
        Assert.Equal(1, result.Entry.Attempts);
        Assert.Null(result.Entry.LeaseHolder);
        Assert.InRange(result.Entry.NextCallAt!.Value, DateTime.UtcNow.AddMinutes(118), DateTime.UtcNow.AddMinutes(121));
        // Not due yet: nothing to serve.
        Assert.Null(await CampaignKit.NextAsync(op, campaign.Id));

        // A callback to this operator, due now, comes first.
        await Kit.WithDbAsync(db => db.Set<CampaignEntry>().Where(e => e.Id == card.Entry.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.NextCallAt, DateTime.UtcNow.AddMinutes(-1))));
        card = (await CampaignKit.NextAsync(op, campaign.Id))!;
        Assert.Single(card.History);
        Assert.Equal("NON RISPONDE", card.History[0].OutcomeCode);
        var callback = DateTime.UtcNow.AddDays(1);
        ok = await op.PostAsJsonAsync(url, new CloseInput { OutcomeCode = "RICHIAMARE", CallbackAt = callback, CallbackOwner = "me" });
        result = (await ok.Content.ReadFromJsonAsync<CloseResult>())!;
        Assert.Equal("callback", result.Entry.State);
        Assert.Equal(opId, result.Entry.CallbackUserId);
        // Someone else never gets another operator's callback.
        var (_, otherName) = await Kit.CreateOperatorAsync();
        using var other = await Kit.ClientAsync(otherName);
        await Kit.WithDbAsync(db => db.Set<CampaignEntry>().Where(e => e.Id == card.Entry.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.NextCallAt, DateTime.UtcNow.AddMinutes(-1))));
        Assert.Null(await CampaignKit.NextAsync(other, campaign.Id));
        Assert.Equal(card.Entry.Id, (await CampaignKit.NextAsync(op, campaign.Id))!.Entry.Id);
    }

    [Fact]
    public async Task Next_serves_callbacks_then_own_names_then_the_pool_and_respects_max_attempts()
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var campaign = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31, maxAttempts: 2);
        var (opId, opName) = await Kit.CreateOperatorAsync();
        var (tagPool, _) = await Kit.SeedCustomersAsync(1);
        var (tagMine, _) = await Kit.SeedCustomersAsync(1);
        var (tagCallback, _) = await Kit.SeedCustomersAsync(1);
        var (tagAnyone, _) = await Kit.SeedCustomersAsync(1);
        var (tagSpent, _) = await Kit.SeedCustomersAsync(1);
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tagPool));
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tagMine, "roundRobin", [opId]));
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tagCallback));
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tagAnyone));
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tagSpent));
        var entries = await Kit.WithDbAsync(db => (from e in db.Set<CampaignEntry>()
                                                   join cc in db.Set<Schedario.Web.Registry.CustomerCharacteristic>() on e.CustomerId equals cc.CustomerId
                                                   where e.CampaignId == campaign.Id
                                                   select new { e.Id, cc.Characteristic!.Code }).ToDictionaryAsync(x => x.Code, x => x.Id));
        var past = DateTime.UtcNow.AddMinutes(-5);
        await Kit.WithDbAsync(db => db.Set<CampaignEntry>().Where(e => e.Id == entries[tagCallback])
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.State, EntryState.Callback).SetProperty(e => e.CallbackUserId, opId).SetProperty(e => e.NextCallAt, past)));
        await Kit.WithDbAsync(db => db.Set<CampaignEntry>().Where(e => e.Id == entries[tagAnyone])
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.State, EntryState.Callback).SetProperty(e => e.NextCallAt, past)));
        await Kit.WithDbAsync(db => db.Set<CampaignEntry>().Where(e => e.Id == entries[tagSpent]).ExecuteUpdateAsync(s => s.SetProperty(e => e.Attempts, 2)));

        using var op = await Kit.ClientAsync(opName);
        var order = new List<long>();
        while (await CampaignKit.NextAsync(op, campaign.Id) is { } card)
        {
            order.Add(card.Entry.Id);
            var r = await op.PostAsJsonAsync($"/api/v1/campaign-entries/{card.Entry.Id}/close", new CloseInput { OutcomeCode = "NON INTERESSATO" });
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.Equal([entries[tagCallback], entries[tagAnyone], entries[tagMine], entries[tagPool]], order);
    }

    [Fact]
    public async Task A_retired_campaign_is_not_served_and_keeps_its_figures()
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var campaign = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        var (tag, _) = await Kit.SeedCustomersAsync(3);
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tag));
        await admin.PostAsync($"/api/v1/campaigns/{campaign.Id}/retire", null);
        var (_, opName) = await Kit.CreateOperatorAsync();
        using var op = await Kit.ClientAsync(opName);
        await CampaignKit.AssertRuleAsync(await op.PostAsync($"/api/v1/campaigns/{campaign.Id}/next", null), "campaign-retired");
        var stats = (await admin.GetFromJsonAsync<CampaignStats>($"/api/v1/campaigns/{campaign.Id}/stats"))!;
        Assert.Equal(3, stats.Total);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync($"/api/v1/campaigns/{campaign.Id}/stats")).StatusCode);
    }

    [Fact]
    public async Task Next_respects_calling_days_and_hours()
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var campaign = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        var (_, opName) = await Kit.CreateOperatorAsync();
        using var op = await Kit.ClientAsync(opName);
        var local = DateTimeOffset.Now;
        var today = local.DayOfWeek.ToString().ToLowerInvariant();
        var input = new CampaignInput
        {
            Code = campaign.Code, Name = campaign.Name, TypeId = type, StartDate = Jan1, EndDate = Mar31, Version = campaign.Version,
            CallingDays = [.. new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" }.Where(d => d != today)],
        };
        var r = await admin.PutAsJsonAsync($"/api/v1/campaigns/{campaign.Id}", input);
        var updated = (await r.Content.ReadFromJsonAsync<CampaignDto>())!;
        await CampaignKit.AssertRuleAsync(await op.PostAsync($"/api/v1/campaigns/{campaign.Id}/next", null), "campaign-calling-days");

        // A one-minute window that is not now (unless the test runs at the wrong minute, pick the far side of the clock).
        var from = TimeOnly.FromDateTime(local.DateTime).AddHours(12);
        r = await admin.PutAsJsonAsync($"/api/v1/campaigns/{campaign.Id}", input with
        {
            Version = updated.Version, CallingDays = null, CallFrom = from.Hour == 23 ? new TimeOnly(22, 0) : new TimeOnly(from.Hour, 0),
            CallTo = from.Hour == 23 ? new TimeOnly(22, 30) : new TimeOnly(from.Hour, 30),
        });
        updated = (await r.Content.ReadFromJsonAsync<CampaignDto>())!;
        if (updated.CallingDays.Contains(today))
            await CampaignKit.AssertRuleAsync(await op.PostAsync($"/api/v1/campaigns/{campaign.Id}/next", null), "campaign-calling-hours");
    }

    [Fact]
    public async Task Supervisor_reassigns_and_recycles()
    {
        using var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var campaign = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31);
        var a = await Kit.CreateOperatorAsync();
        var b = await Kit.CreateOperatorAsync();
        var (tag, _) = await Kit.SeedCustomersAsync(4);
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tag, "roundRobin", [a.Id]));
        using var opA = await Kit.ClientAsync(a.UserName);
        var card = (await CampaignKit.NextAsync(opA, campaign.Id))!;
        await opA.PostAsJsonAsync($"/api/v1/campaign-entries/{card.Entry.Id}/close", new CloseInput { OutcomeCode = "NUMERO ERRATO" });

        var moved = await (await admin.PostAsJsonAsync($"/api/v1/campaigns/{campaign.Id}/reassign", new ReassignInput(a.Id, b.Id))).Content.ReadFromJsonAsync<BulkResult>();
        Assert.Equal(3, moved!.Updated);
        var recycled = await (await admin.PostAsJsonAsync($"/api/v1/campaigns/{campaign.Id}/recycle", new RecycleInput(["NUMERO ERRATO"]))).Content.ReadFromJsonAsync<BulkResult>();
        Assert.Equal(1, recycled!.Updated);
        var page = (await admin.GetFromJsonAsync<EntryPage>($"/api/v1/campaigns/{campaign.Id}/entries?state=toCall&limit=2"))!;
        Assert.Equal(2, page.Items.Count);
        Assert.NotNull(page.NextCursor);
        var stats = (await admin.GetFromJsonAsync<CampaignStats>($"/api/v1/campaigns/{campaign.Id}/stats"))!;
        Assert.Contains(stats.Operators, o => o.UserId == b.Id && o.Assigned == 3);
        Assert.Contains(stats.Operators, o => o.UserId == a.Id && o.Calls == 1);
    }

    // ---- contact promise (seed 002) ------------------------------------------------------------

    sealed record PromiseSetup(HttpClient Admin, HttpClient Op, CampaignDto Current, long EntryId, Guid CustomerId, int TypeId);

    async Task<PromiseSetup> PromiseSetupAsync(bool autoPromise = false)
    {
        var admin = await App.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var current = await CampaignKit.CreateCampaignAsync(admin, type, Jan1, Mar31, autoPromise);
        var (tag, ids) = await Kit.SeedCustomersAsync(1);
        await CampaignKit.FillAsync(admin, current.Id, CampaignKit.Wizard(tag));
        var (_, opName) = await Kit.CreateOperatorAsync();
        var op = await Kit.ClientAsync(opName);
        var card = (await CampaignKit.NextAsync(op, current.Id))!;
        return new PromiseSetup(admin, op, current, card.Entry.Id, ids[0], type);
    }

    static Task<HttpResponseMessage> PromiseAsync(PromiseSetup s, int target, string outcome = "PROMESSA CONTATTO") =>
        s.Op.PostAsJsonAsync($"/api/v1/campaign-entries/{s.EntryId}/close", new CloseInput { OutcomeCode = outcome, PromiseCampaignId = target });

    [Fact]
    public async Task Promise_moves_the_name_into_an_eligible_future_campaign()
    {
        var s = await PromiseSetupAsync();
        var future = await CampaignKit.CreateCampaignAsync(s.Admin, s.TypeId, new DateOnly(2026, 6, 1), new DateOnly(2026, 9, 30));
        var targets = (await s.Op.GetFromJsonAsync<List<PromiseTarget>>($"/api/v1/campaigns/{s.Current.Id}/promise-targets"))!;
        Assert.Equal([future.Id], targets.Select(t => t.Id).ToList());

        var r = await PromiseAsync(s, future.Id);
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        var result = (await r.Content.ReadFromJsonAsync<CloseResult>())!;
        Assert.Equal("positive", result.Entry.State);
        Assert.Equal(future.Id, result.PromiseCampaignId);
        var moved = (await s.Admin.GetFromJsonAsync<EntryPage>($"/api/v1/campaigns/{future.Id}/entries?customerId={s.CustomerId}"))!;
        Assert.Single(moved.Items);
        Assert.Equal("toCall", moved.Items[0].State);
    }

    [Fact]
    public async Task Promise_refuses_a_campaign_of_another_type()
    {
        var s = await PromiseSetupAsync();
        var otherType = await CampaignKit.CreateTypeAsync(s.Admin);
        var other = await CampaignKit.CreateCampaignAsync(s.Admin, otherType, new DateOnly(2026, 6, 1), new DateOnly(2026, 9, 30));
        Assert.Empty((await s.Op.GetFromJsonAsync<List<PromiseTarget>>($"/api/v1/campaigns/{s.Current.Id}/promise-targets"))!);
        await CampaignKit.AssertRuleAsync(await PromiseAsync(s, other.Id), "promise-target-type");
        await AssertUnchangedAsync(s, other.Id);
    }

    [Fact]
    public async Task Promise_refuses_a_retired_campaign()
    {
        var s = await PromiseSetupAsync();
        var retired = await CampaignKit.CreateCampaignAsync(s.Admin, s.TypeId, new DateOnly(2026, 6, 1), new DateOnly(2026, 9, 30));
        await s.Admin.PostAsync($"/api/v1/campaigns/{retired.Id}/retire", null);
        Assert.Empty((await s.Op.GetFromJsonAsync<List<PromiseTarget>>($"/api/v1/campaigns/{s.Current.Id}/promise-targets"))!);
        await CampaignKit.AssertRuleAsync(await PromiseAsync(s, retired.Id), "promise-target-retired");
        await AssertUnchangedAsync(s, retired.Id);
    }

    [Fact]
    public async Task Promise_refuses_a_campaign_starting_before_the_current_one_ends()
    {
        var s = await PromiseSetupAsync();
        // Starts on the current campaign's last day: not "later than" its end.
        var early = await CampaignKit.CreateCampaignAsync(s.Admin, s.TypeId, Mar31, new DateOnly(2026, 9, 30));
        Assert.Empty((await s.Op.GetFromJsonAsync<List<PromiseTarget>>($"/api/v1/campaigns/{s.Current.Id}/promise-targets"))!);
        await CampaignKit.AssertRuleAsync(await PromiseAsync(s, early.Id), "promise-target-start-date");
        await AssertUnchangedAsync(s, early.Id);
    }

    [Fact]
    public async Task Promise_cannot_be_used_when_CC0028_is_zero()
    {
        var s = await PromiseSetupAsync();
        var future = await CampaignKit.CreateCampaignAsync(s.Admin, s.TypeId, new DateOnly(2026, 6, 1), new DateOnly(2026, 9, 30));
        await Kit.SetSettingAsync(s.Admin, "CC0028", 0);
        try
        {
            await CampaignKit.AssertRuleAsync(await s.Op.GetAsync($"/api/v1/campaigns/{s.Current.Id}/promise-targets"), "CC0028");
            await CampaignKit.AssertRuleAsync(await PromiseAsync(s, future.Id), "CC0028");
            await AssertUnchangedAsync(s, future.Id);
        }
        finally { await Kit.SetSettingAsync(s.Admin, "CC0028", 5); }
    }

    [Fact]
    public async Task Promise_picker_shows_CC0028_campaigns_nearest_first()
    {
        var s = await PromiseSetupAsync();
        var third = await CampaignKit.CreateCampaignAsync(s.Admin, s.TypeId, new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 30));
        var first = await CampaignKit.CreateCampaignAsync(s.Admin, s.TypeId, new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 30));
        var second = await CampaignKit.CreateCampaignAsync(s.Admin, s.TypeId, new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 30));
        await Kit.SetSettingAsync(s.Admin, "CC0028", 2);
        try
        {
            var targets = (await s.Op.GetFromJsonAsync<List<PromiseTarget>>($"/api/v1/campaigns/{s.Current.Id}/promise-targets"))!;
            Assert.Equal([first.Id, second.Id], targets.Select(t => t.Id).ToList());
            await CampaignKit.AssertRuleAsync(await PromiseAsync(s, third.Id), "promise-target-not-listed");
            await AssertUnchangedAsync(s, third.Id);
            Assert.True((await PromiseAsync(s, second.Id)).IsSuccessStatusCode);
        }
        finally { await Kit.SetSettingAsync(s.Admin, "CC0028", 5); }
    }

    [Fact]
    public async Task Auto_promise_after_adhesion_only_when_the_campaign_says_so()
    {
        var s = await PromiseSetupAsync(autoPromise: false);
        var future = await CampaignKit.CreateCampaignAsync(s.Admin, s.TypeId, new DateOnly(2026, 6, 1), new DateOnly(2026, 9, 30));
        var p = await CampaignKit.ProblemAsync(await PromiseAsync(s, future.Id, "ADESIONE"), HttpStatusCode.BadRequest);
        Assert.True(p.GetProperty("errors").TryGetProperty("promiseCampaignId", out _));

        var auto = await PromiseSetupAsync(autoPromise: true);
        var autoFuture = await CampaignKit.CreateCampaignAsync(auto.Admin, auto.TypeId, new DateOnly(2026, 6, 1), new DateOnly(2026, 9, 30));
        Assert.True((await PromiseAsync(auto, autoFuture.Id, "ADESIONE")).IsSuccessStatusCode);
        Assert.Single((await auto.Admin.GetFromJsonAsync<EntryPage>($"/api/v1/campaigns/{autoFuture.Id}/entries"))!.Items);
    }

    async Task AssertUnchangedAsync(PromiseSetup s, int target)
    {
        var entry = await Kit.WithDbAsync(db => db.Set<CampaignEntry>().AsNoTracking().FirstAsync(e => e.Id == s.EntryId));
        Assert.Equal(EntryState.ToCall, entry.State);
        Assert.NotNull(entry.LeaseHolder);
        Assert.Equal(0, await Kit.WithDbAsync(db => db.Set<CampaignEntry>().CountAsync(e => e.CampaignId == target)));
        Assert.Equal(0, await Kit.WithDbAsync(db => db.Set<Call>().CountAsync(c => c.EntryId == s.EntryId)));
    }
}

public sealed class CampaignApiTests_Sqlite(SqliteAppFixture f) : CampaignApiTests<SqliteAppFixture>(f);
public sealed class CampaignApiTests_Postgres(PostgresAppFixture f) : CampaignApiTests<PostgresAppFixture>(f);
