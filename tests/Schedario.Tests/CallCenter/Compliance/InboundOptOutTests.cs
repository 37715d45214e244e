using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Schedario.Tests.CallCenter.Inbound;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Compliance;
using Schedario.Web.CallCenter.Inbound;
using Schedario.Web.Campaigns;
using static Schedario.Tests.Access.AccessKit;

namespace Schedario.Tests.CallCenter.Compliance;

/// <summary>An inbound caller who asks not to be called again (CI0036: a do-not-call outcome on their campaign name) goes on the list at once.</summary>
public abstract class InboundOptOutTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;

    [Fact]
    public async Task A_do_not_call_outcome_set_from_the_inbound_screen_lists_the_callers_numbers()
    {
        using var admin = await App.CreateAdminClientAsync();
        var kit = new InboundKit(App, admin);
        var (service, ops) = await kit.ServiceAsync(1);
        var op = ops[0];
        var (record, phone) = await kit.Access.RecordAsync("Rpo" + Unique());
        var entryId = await kit.WithDbAsync(async db =>
        {
            var type = new CampaignType { Code = "T" + Unique(), Name = "Tipo" };
            db.Add(type);
            await db.SaveChangesAsync();
            var campaign = new Campaign { Code = "C" + Unique(), Name = "Campagna", TypeId = type.Id, StartDate = DateOnly.FromDateTime(DateTime.Today), EndDate = DateOnly.FromDateTime(DateTime.Today.AddDays(30)), CreatedAt = DateTime.UtcNow, CreatedBy = "test" };
            db.Add(campaign);
            await db.SaveChangesAsync();
            var entry = new CampaignEntry { CampaignId = campaign.Id, CustomerId = record.Id, State = EntryState.ToCall, CreatedAt = DateTime.UtcNow };
            db.Add(entry);
            await db.SaveChangesAsync();
            return entry.Id;
        });

        await InboundKit.ReadyAsync(op.Client);
        await kit.RingAsync(phone, service.Number);
        await InboundKit.WaitForAsync(op.Client, "Ringing");
        var contactId = await kit.AcceptAsync(op.Client);
        var closing = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(System.Text.Json.JsonSerializer.Serialize(await kit.ValidClosingAsync()))!;
        closing["outboundChanges"] = new[] { new { entryId, outcomeCode = "NON CHIAMARE" } };
        await admin.PutAsJsonAsync("/api/v1/settings/CI0036", new { value = true });
        try
        {
            await OkAsync<InboundScreenDto>(await op.Client.PostAsJsonAsync($"/api/v1/inbound-contacts/{contactId}/close", closing));
        }
        finally { await admin.PutAsJsonAsync("/api/v1/settings/CI0036", new { value = false }); }

        var rows = await kit.WithDbAsync(db => db.DoNotCall().AsNoTracking().Where(d => d.CustomerId == record.Id).ToListAsync());
        var row = Assert.Single(rows);
        Assert.Equal(DoNotCallSource.OptOut, row.Source);
        Assert.Equal(record.Phones.Single(p => p.IsMain).E164, row.Number);
        Assert.Equal(EntryState.DoNotCall, (await kit.WithDbAsync(db => db.CampaignEntries().AsNoTracking().FirstAsync(e => e.Id == entryId))).State);
    }
}

public sealed class InboundOptOutTests_Sqlite(SqliteAppFixture f) : InboundOptOutTests<SqliteAppFixture>(f);
public sealed class InboundOptOutTests_Postgres(PostgresAppFixture f) : InboundOptOutTests<PostgresAppFixture>(f);
