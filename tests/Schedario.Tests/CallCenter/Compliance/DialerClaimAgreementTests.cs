using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Compliance;
using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.CallCenter.Dialer.Service;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;

namespace Schedario.Tests.CallCenter.Compliance;

/// <summary>
/// The dialer's claim statement and the dialability explanation, held against each other: on a campaign
/// with a name for each rule, the claim takes exactly the names the explanation (asked as the dialer,
/// no viewer) calls dialable.
/// </summary>
public abstract class DialerClaimAgreementTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    protected SchedarioAppFactory App => fixture.Factory;
    ComplianceKit Kit => new(App);

    [Fact]
    public async Task The_claim_takes_exactly_the_names_the_explanation_calls_dialable()
    {
        using var admin = await App.CreateAdminClientAsync();
        var inRegister = ComplianceKit.Mobile();
        await ComplianceKit.RegisterAsync(admin, inRegister);
        var campaign = await ComplianceKit.CampaignAsync(admin);
        var (otherOp, _) = await Kit.Campaigns.CreateOperatorAsync();
        var now = DateTime.UtcNow;
        var cases = new Dictionary<string, long>();
        async Task Case(string name, string? phone, Action<CampaignEntry>? change = null)
        {
            var (id, _) = await Kit.EntryAsync(campaign.Id, phone);
            if (change is not null) await Kit.UpdateEntryAsync(id, change);
            cases[name] = id;
        }
        await Case("clean", ComplianceKit.Mobile());
        await Case("retry-delay", ComplianceKit.Mobile(), e => e.NextCallAt = now.AddHours(1));
        await Case("retry-over", ComplianceKit.Mobile(), e => e.NextCallAt = now.AddMinutes(-5));
        await Case("attempts-used", ComplianceKit.Mobile(), e => e.Attempts = 5);
        await Case("closed", ComplianceKit.Mobile(), e => e.State = EntryState.Negative);
        await Case("callback-due", ComplianceKit.Mobile(), e => { e.State = EntryState.Callback; e.NextCallAt = now.AddMinutes(-1); });
        await Case("callback-owned", ComplianceKit.Mobile(), e => { e.State = EntryState.Callback; e.NextCallAt = now.AddMinutes(-1); e.CallbackUserId = otherOp; });
        await Case("callback-later", ComplianceKit.Mobile(), e => { e.State = EntryState.Callback; e.NextCallAt = now.AddHours(3); });
        var manual = ComplianceKit.Mobile();
        await Case("do-not-call", manual);
        await Case("register", inRegister);
        string abandonedNow = ComplianceKit.Mobile(), abandonedLongAgo = ComplianceKit.Mobile();
        await Case("abandoned-now", abandonedNow);
        await Case("abandoned-long-ago", abandonedLongAgo);
        await Case("leased", ComplianceKit.Mobile(), e => { e.LeaseHolder = otherOp; e.LeaseUntil = now.AddMinutes(5); });
        await Case("lease-expired", ComplianceKit.Mobile(), e => { e.LeaseHolder = "dialer:old"; e.LeaseUntil = now.AddMinutes(-5); });
        await Case("in-flight", ComplianceKit.Mobile());
        await Case("no-phone", null);
        await Kit.WithDbAsync(async db =>
        {
            await new DoNotCallService(db, TimeProvider.System, new Web.Audit.AuditLog(db, TimeProvider.System)).AddOptOutAsync([manual], null, "test", null);
            foreach (var (key, number, at, state, result) in new[]
                     {
                         ("abandoned-now", abandonedNow, now.AddHours(-1), DialerCallState.Ended, DialerCallResult.Abandoned),
                         ("abandoned-long-ago", abandonedLongAgo, now.AddHours(-100), DialerCallState.Ended, DialerCallResult.Abandoned),
                         ("in-flight", "+390000000000", now, DialerCallState.Ringing, DialerCallResult.None),
                     })
            {
                var customerId = await db.CampaignEntries().Where(e => e.Id == cases[key]).Select(e => e.CustomerId).FirstAsync();
                db.Add(new DialerCall { CampaignId = campaign.Id, EntryId = cases[key], CustomerId = customerId, Number = number, State = state, Result = result, NodeId = "t", PlacedAt = at, EndedAt = state == DialerCallState.Ended ? at : null });
            }
            await db.SaveChangesAsync();
        });

        var explained = new List<long>();
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var dialability = scope.ServiceProvider.GetRequiredService<EntryDialability>();
            foreach (var id in cases.Values)
                if ((await dialability.ExplainAsync(id, viewerUserId: null)).Dialable) explained.Add(id);
        }
        var claimed = await ClaimAndRollBackAsync(campaign.Id, 5, 72);

        Assert.Equal(new[] { "clean", "retry-over", "callback-due", "abandoned-long-ago", "lease-expired" }.Select(k => cases[k]).Order(), explained.Order());
        Assert.Equal(explained.Order(), claimed.Order());
    }

    [Fact]
    public async Task The_claim_serves_the_longest_overdue_callbacks_for_anyone_first_then_names_by_priority()
    {
        using var admin = await App.CreateAdminClientAsync();
        var campaign = await ComplianceKit.CampaignAsync(admin);
        var now = DateTime.UtcNow;
        async Task<long> Entry(Action<CampaignEntry> change)
        {
            var (id, _) = await Kit.EntryAsync(campaign.Id, ComplianceKit.Mobile());
            await Kit.UpdateEntryAsync(id, change);
            return id;
        }
        var low = await Entry(e => e.Priority = 0);
        var high = await Entry(e => e.Priority = 5);
        var callbackRecent = await Entry(e => { e.State = EntryState.Callback; e.NextCallAt = now.AddMinutes(-1); });
        var callbackOverdue = await Entry(e => { e.State = EntryState.Callback; e.NextCallAt = now.AddMinutes(-30); });

        Assert.Equal([callbackOverdue], await ClaimAndRollBackAsync(campaign.Id, 5, 72, count: 1));
        Assert.Equal(new[] { callbackOverdue, callbackRecent }.Order(), (await ClaimAndRollBackAsync(campaign.Id, 5, 72, count: 2)).Order());
        Assert.Equal(new[] { callbackOverdue, callbackRecent, high }.Order(), (await ClaimAndRollBackAsync(campaign.Id, 5, 72, count: 3)).Order());
        Assert.Equal(new[] { callbackOverdue, callbackRecent, high, low }.Order(), (await ClaimAndRollBackAsync(campaign.Id, 5, 72, count: 10)).Order());
    }

    /// <summary>Runs the dialer's own claim statement for the campaign and rolls it back: the ids it would lease.</summary>
    async Task<List<long>> ClaimAndRollBackAsync(int campaignId, int maxAttempts, int lockoutHours, int count = 1000)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        await db.Database.OpenConnectionAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var conn = db.Database.GetDbConnection();
        var now = DateTime.UtcNow;
        await using var cmd = conn.CreateCommand(db.Provider == DatabaseProvider.Postgres ? DialerSql.ClaimPostgres : DialerSql.ClaimSqlite,
            ("holder", "dialer:agreement"), ("until", now.AddMinutes(1)), ("now", now), ("cid", campaignId), ("max", maxAttempts),
            ("lockout", now.AddHours(-lockoutHours)), ("n", count));
        cmd.Transaction = tx.GetDbTransaction();
        var ids = new List<long>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        await tx.RollbackAsync();
        return ids;
    }
}

public sealed class DialerClaimAgreementTests_Sqlite(SqliteAppFixture f) : DialerClaimAgreementTests<SqliteAppFixture>(f);
public sealed class DialerClaimAgreementTests_Postgres(PostgresAppFixture f) : DialerClaimAgreementTests<PostgresAppFixture>(f)
{
    [Fact]
    public async Task Each_queue_is_read_in_index_order_with_the_probes_per_name()
    {
        var now = DateTime.UtcNow;
        // A Sort left in the names-to-call queue means its index cannot give the order, and the claim
        // would probe and sort every due name of the campaign.
        var plan = await QueryPlans.ExplainWithoutSortsAsync(App.Services, DialerSql.ClaimPostgres,
            ("holder", "dialer:plan"), ("until", now), ("now", now), ("cid", 1), ("max", 5), ("lockout", now), ("n", 10));
        var queue = plan.IndexOf("IX_campaign_entries_dialer_queue", StringComparison.Ordinal);
        Assert.True(queue > 0, plan);
        // Between the queue's row lock and its index scan: no Sort.
        Assert.DoesNotContain("Sort", plan[plan.LastIndexOf("LockRows", queue, StringComparison.Ordinal)..queue]);
        var toCall = plan[queue..];
        // As joins, the planner may hash customers ⋈ do_not_call whole once the list holds rows (ADR 0019, 0020).
        Assert.DoesNotContain("Anti Join", plan);
        Assert.DoesNotContain("Hash", plan.Replace("HashAggregate", ""));
        Assert.Contains("PK_do_not_call", toCall);
    }
}
