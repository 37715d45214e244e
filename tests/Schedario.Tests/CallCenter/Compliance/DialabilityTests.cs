using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Access;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Compliance;
using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;

namespace Schedario.Tests.CallCenter.Compliance;

/// <summary>GET /campaign-entries/{id}/dialability: one test per rule, several at once, and a clean entry.</summary>
public abstract class DialabilityTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;
    ComplianceKit Kit => new(App);

    /// <summary>A campaign (every day, any hour) with one clean name, after a fresh register check.</summary>
    async Task<(HttpClient Admin, CampaignDto Campaign, long EntryId, string Number)> CleanAsync(string? number = null, params string[] register)
    {
        var admin = await App.CreateAdminClientAsync();
        await ComplianceKit.RegisterAsync(admin, register.Length > 0 ? register : [ComplianceKit.Mobile()]);
        var campaign = await ComplianceKit.CampaignAsync(admin);
        number ??= ComplianceKit.Mobile();
        var (entryId, _) = await Kit.EntryAsync(campaign.Id, number);
        return (admin, campaign, entryId, number);
    }

    static async Task<DialabilityDto> AssertHeldBackAsync(HttpClient client, long entryId, string code)
    {
        var why = await ComplianceKit.DialabilityAsync(client, entryId);
        Assert.False(why.Dialable, $"expected {code}, got dialable");
        var reason = Assert.Single(why.Reasons, r => r.Code == code);
        Assert.True(reason.Blocking);
        Assert.False(string.IsNullOrWhiteSpace(reason.Message));
        return why;
    }

    [Fact]
    public async Task A_clean_entry_is_dialable_with_no_reasons()
    {
        var (admin, _, entryId, number) = await CleanAsync();
        using var _ = admin;
        var why = await ComplianceKit.DialabilityAsync(admin, entryId);
        Assert.True(why.Dialable);
        Assert.Empty(why.Reasons);
        Assert.Equal(entryId, why.EntryId);
        Assert.Equal(number, why.Number);
    }

    [Fact]
    public async Task Retired_campaign()
    {
        var (admin, campaign, entryId, _) = await CleanAsync();
        using var _ = admin;
        Assert.True((await admin.PostAsync($"/api/v1/campaigns/{campaign.Id}/retire", null)).IsSuccessStatusCode);
        await AssertHeldBackAsync(admin, entryId, "campaign-retired");
    }

    [Fact]
    public async Task Not_a_calling_day()
    {
        var (admin, campaign, entryId, _) = await CleanAsync();
        using var _ = admin;
        await Kit.UpdateCampaignAsync(campaign.Id, c => c.CallingDays = CallingDays.All & ~EntryDialability.Today(TimeProvider.System.GetLocalNow()));
        await AssertHeldBackAsync(admin, entryId, "campaign-calling-days");
    }

    [Fact]
    public async Task Outside_calling_hours()
    {
        var (admin, campaign, entryId, _) = await CleanAsync();
        using var _ = admin;
        var later = TimeOnly.FromDateTime(TimeProvider.System.GetLocalNow().DateTime).AddHours(2);
        await Kit.UpdateCampaignAsync(campaign.Id, c => { c.CallFrom = later; c.CallTo = later.AddMinutes(1); });
        await AssertHeldBackAsync(admin, entryId, "campaign-calling-hours");
    }

    [Theory]
    [InlineData(EntryState.Positive)]
    [InlineData(EntryState.Negative)]
    [InlineData(EntryState.Unworkable)]
    [InlineData(EntryState.DoNotCall)]
    [InlineData(EntryState.Exhausted)]
    [InlineData(EntryState.Merged)]
    public async Task Closed_entry(EntryState state)
    {
        var (admin, _, entryId, _) = await CleanAsync();
        using var _ = admin;
        await Kit.UpdateEntryAsync(entryId, e => e.State = state);
        await AssertHeldBackAsync(admin, entryId, "entry-closed");
    }

    [Fact]
    public async Task Attempts_used()
    {
        var (admin, campaign, entryId, _) = await CleanAsync();
        using var _ = admin;
        await Kit.UpdateEntryAsync(entryId, e => e.Attempts = campaign.MaxAttempts);
        await AssertHeldBackAsync(admin, entryId, "attempts-used");
        // 0 attempts allowed means no limit.
        await Kit.UpdateCampaignAsync(campaign.Id, c => c.MaxAttempts = 0);
        Assert.True((await ComplianceKit.DialabilityAsync(admin, entryId)).Dialable);
    }

    [Fact]
    public async Task Retry_delay()
    {
        var (admin, _, entryId, _) = await CleanAsync();
        using var _ = admin;
        await Kit.UpdateEntryAsync(entryId, e => e.NextCallAt = DateTime.UtcNow.AddHours(1));
        await AssertHeldBackAsync(admin, entryId, "retry-delay");
    }

    [Fact]
    public async Task Callback_not_due_and_reserved_to_another_operator()
    {
        var (admin, _, entryId, _) = await CleanAsync();
        using var _ = admin;
        var (otherId, _) = await Kit.Campaigns.CreateOperatorAsync();
        await Kit.UpdateEntryAsync(entryId, e => { e.State = EntryState.Callback; e.NextCallAt = DateTime.UtcNow.AddHours(2); e.CallbackUserId = otherId; e.AssignedUserId = otherId; });
        await AssertHeldBackAsync(admin, entryId, "callback-not-due");
        await AssertHeldBackAsync(admin, entryId, "callback-owner");
        // Due now, and the owner asks: nothing holds it back.
        await Kit.UpdateEntryAsync(entryId, e => e.NextCallAt = DateTime.UtcNow.AddMinutes(-1));
        var otherName = await Kit.WithDbAsync(db => db.Users.Where(u => u.Id == otherId).Select(u => u.UserName!).FirstAsync());
        using var other = await Kit.Campaigns.ClientAsync(otherName);
        Assert.True((await ComplianceKit.DialabilityAsync(other, entryId)).Dialable);
    }

    [Fact]
    public async Task Number_on_the_do_not_call_list()
    {
        var (admin, _, entryId, number) = await CleanAsync();
        using var _ = admin;
        await AccessKit.OkAsync<DoNotCallDto>(await admin.PostAsJsonAsync("/api/v1/do-not-call", new { number }));
        await AssertHeldBackAsync(admin, entryId, "do-not-call");
    }

    [Fact]
    public async Task Number_on_the_opposition_register()
    {
        var number = ComplianceKit.Mobile();
        var (admin, _, entryId, _) = await CleanAsync(number, number);
        using var _ = admin;
        await AssertHeldBackAsync(admin, entryId, "opposition-register");
    }

    [Fact]
    public async Task Abandoned_call_lockout()
    {
        var (admin, campaign, entryId, number) = await CleanAsync();
        using var _ = admin;
        await Kit.WithDbAsync(async db =>
        {
            var customerId = await db.CampaignEntries().Where(e => e.Id == entryId).Select(e => e.CustomerId).FirstAsync();
            db.Add(new DialerCall
            {
                CampaignId = campaign.Id, EntryId = entryId, CustomerId = customerId, Number = number, State = DialerCallState.Ended, Result = DialerCallResult.Abandoned,
                NodeId = "test", PlacedAt = DateTime.UtcNow.AddHours(-2), AnsweredAt = DateTime.UtcNow.AddHours(-2), EndedAt = DateTime.UtcNow.AddHours(-2),
            });
            await db.SaveChangesAsync();
        });
        await AssertHeldBackAsync(admin, entryId, "abandon-lockout");
        // Past the campaign's lockout hours it may be dialed again.
        await Kit.UpdateCampaignAsync(campaign.Id, c => c.AbandonLockoutHours = 1);
        Assert.True((await ComplianceKit.DialabilityAsync(admin, entryId)).Dialable);
    }

    [Fact]
    public async Task Stale_register_check()
    {
        var (admin, _, entryId, _) = await CleanAsync();
        using var _ = admin;
        await Kit.WithDbAsync(db => db.OppositionRegisterChecks().ExecuteUpdateAsync(s => s.SetProperty(c => c.CheckedAt, DateTime.UtcNow.AddDays(-16))));
        App.Services.GetRequiredService<ComplianceGate>().Refresh();
        await AssertHeldBackAsync(admin, entryId, "opposition-register-stale");
    }

    [Fact]
    public async Task Leased_by_the_dialer_or_another_operator_but_not_by_the_one_asking()
    {
        var (admin, _, entryId, _) = await CleanAsync();
        using var _ = admin;
        await Kit.UpdateEntryAsync(entryId, e => { e.LeaseHolder = "dialer:node-1"; e.LeaseUntil = DateTime.UtcNow.AddMinutes(5); });
        var why = await AssertHeldBackAsync(admin, entryId, "leased");
        Assert.Contains("dialer", Assert.Single(why.Reasons).Message);

        var (opId, opName) = await Kit.Campaigns.CreateOperatorAsync();
        await Kit.UpdateEntryAsync(entryId, e => e.LeaseHolder = opId);
        await AssertHeldBackAsync(admin, entryId, "leased");
        using var op = await Kit.Campaigns.ClientAsync(opName);
        Assert.True((await ComplianceKit.DialabilityAsync(op, entryId)).Dialable);
        // An expired lease holds nothing.
        await Kit.UpdateEntryAsync(entryId, e => e.LeaseUntil = DateTime.UtcNow.AddMinutes(-1));
        Assert.True((await ComplianceKit.DialabilityAsync(admin, entryId)).Dialable);
    }

    [Fact]
    public async Task Call_in_flight()
    {
        var (admin, campaign, entryId, number) = await CleanAsync();
        using var _ = admin;
        await Kit.WithDbAsync(async db =>
        {
            var customerId = await db.CampaignEntries().Where(e => e.Id == entryId).Select(e => e.CustomerId).FirstAsync();
            db.Add(new DialerCall { CampaignId = campaign.Id, EntryId = entryId, CustomerId = customerId, Number = number, State = DialerCallState.Ringing, NodeId = "test", PlacedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        });
        await AssertHeldBackAsync(admin, entryId, "call-in-flight");
    }

    [Fact]
    public async Task No_valid_phone()
    {
        var admin = await App.CreateAdminClientAsync();
        using var _ = admin;
        await ComplianceKit.RegisterAsync(admin, ComplianceKit.Mobile());
        var campaign = await ComplianceKit.CampaignAsync(admin);
        var (entryId, _) = await Kit.EntryAsync(campaign.Id, null);
        var why = await AssertHeldBackAsync(admin, entryId, "no-phone");
        Assert.Null(why.Number);
        // Only the main phone is dialed (the registry copies the main, else the first, phone onto the record).
        var (second, _) = await Kit.EntryAsync(campaign.Id, null, ComplianceKit.Mobile());
        await AssertHeldBackAsync(admin, second, "no-phone");
    }

    [Fact]
    public async Task Every_rule_that_holds_the_name_back_is_listed_not_only_the_first()
    {
        var (admin, campaign, entryId, number) = await CleanAsync();
        using var _ = admin;
        Assert.True((await admin.PostAsync($"/api/v1/campaigns/{campaign.Id}/retire", null)).IsSuccessStatusCode);
        await AccessKit.OkAsync<DoNotCallDto>(await admin.PostAsJsonAsync("/api/v1/do-not-call", new { number }));
        await Kit.UpdateEntryAsync(entryId, e => { e.Attempts = 9; e.NextCallAt = DateTime.UtcNow.AddHours(1); e.LeaseHolder = "dialer:n"; e.LeaseUntil = DateTime.UtcNow.AddMinutes(2); });
        await Kit.UpdateCampaignAsync(campaign.Id, c => { c.DialMode = DialMode.Power; c.DialerActive = false; });
        var why = await ComplianceKit.DialabilityAsync(admin, entryId);
        Assert.False(why.Dialable);
        Assert.Equal(["campaign-retired", "attempts-used", "retry-delay", "do-not-call", "leased", "dialer-not-started"], why.Reasons.Select(r => r.Code));
        Assert.False(why.Reasons.Single(r => r.Code == "dialer-not-started").Blocking);
    }

    [Fact]
    public async Task The_dialers_number_condition_in_SQL_agrees_with_the_explanation()
    {
        var inRegister = ComplianceKit.Mobile();
        var (admin, campaign, clean, _) = await CleanAsync(null, inRegister);
        using var _ = admin;
        string manual = ComplianceKit.Mobile(), optOut = ComplianceKit.Mobile(), abandonedNow = ComplianceKit.Mobile(), abandonedLongAgo = ComplianceKit.Mobile();
        var ids = new List<long> { clean };
        foreach (var n in new[] { manual, optOut, inRegister, abandonedNow, abandonedLongAgo }) ids.Add((await Kit.EntryAsync(campaign.Id, n)).EntryId);
        await AccessKit.OkAsync<DoNotCallDto>(await admin.PostAsJsonAsync("/api/v1/do-not-call", new { number = manual }));
        await Kit.WithDbAsync(async db =>
        {
            await new DoNotCallService(db, TimeProvider.System, new Web.Audit.AuditLog(db, TimeProvider.System)).AddOptOutAsync([optOut], null, "test", null);
            foreach (var (n, hoursAgo, entry) in new[] { (abandonedNow, 1, ids[4]), (abandonedLongAgo, 100, ids[5]) })
            {
                var at = DateTime.UtcNow.AddHours(-hoursAgo);
                var customerId = await db.CampaignEntries().Where(e => e.Id == entry).Select(e => e.CustomerId).FirstAsync();
                db.Add(new DialerCall { CampaignId = campaign.Id, EntryId = entry, CustomerId = customerId, Number = n, State = DialerCallState.Ended, Result = DialerCallResult.Abandoned, NodeId = "t", PlacedAt = at, EndedAt = at });
            }
            await db.SaveChangesAsync();
        });

        string[] numberRules = ["do-not-call", "opposition-register", "abandon-lockout"];
        var explained = new List<long>();
        foreach (var id in ids)
            if (!(await ComplianceKit.DialabilityAsync(admin, id)).Reasons.Any(r => numberRules.Contains(r.Code))) explained.Add(id);
        var claimable = await Kit.WithDbAsync(db => db.WithConnectionAsync(async conn =>
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = $"""
                SELECT e."Id" FROM campaign_entries e JOIN customers c ON c."Id" = e."CustomerId"
                WHERE e."CampaignId" = @cid AND {EntryDialability.NumberAllowedSql("c.\"MainPhone\"")} ORDER BY e."Id"
                """;
            foreach (var (name, value) in new (string, object)[] { ("@cid", campaign.Id), ("@lockoutSince", DateTime.UtcNow.AddHours(-new Campaign().AbandonLockoutHours)) })
            {
                var p = cmd.CreateParameter();
                p.ParameterName = name;
                p.Value = value;
                cmd.Parameters.Add(p);
            }
            var found = new List<long>();
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) found.Add(reader.GetInt64(0));
            return found;
        }));
        Assert.Equal([clean, ids[5]], explained);
        Assert.Equal(explained, claimable);
    }

    [Fact]
    public async Task An_unknown_entry_is_404_and_operators_ask_about_the_names_they_see()
    {
        var (admin, _, entryId, _) = await CleanAsync();
        using var _ = admin;
        await AccessKit.ProblemAsync(await admin.GetAsync("/api/v1/campaign-entries/987654321/dialability"), HttpStatusCode.NotFound);
        var (opId, opName) = await Kit.Campaigns.CreateOperatorAsync();
        using var op = await Kit.Campaigns.ClientAsync(opName);
        // Like the call card: an operator who may not read the record is told it does not exist.
        await AccessKit.ProblemAsync(await op.GetAsync($"/api/v1/campaign-entries/{entryId}/dialability"), HttpStatusCode.NotFound);
        await Kit.UpdateEntryAsync(entryId, e => e.AssignedUserId = opId);
        Assert.True((await ComplianceKit.DialabilityAsync(op, entryId)).Dialable);
    }
}

public sealed class DialabilityTests_Sqlite(SqliteAppFixture f) : DialabilityTests<SqliteAppFixture>(f);
public sealed class DialabilityTests_Postgres(PostgresAppFixture f) : DialabilityTests<PostgresAppFixture>(f);
