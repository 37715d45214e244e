using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Access;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Inbound;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using static Schedario.Tests.Access.AccessKit;

namespace Schedario.Tests.CallCenter.Inbound;

/// <summary>An inbound service with its own operators, so tests sharing one database never route each other's calls.</summary>
public sealed class InboundKit(SchedarioAppFactory app, HttpClient admin)
{
    public AccessKit Access { get; } = new(app, admin);

    public sealed record Op(string Id, string UserName, HttpClient Client, int? SubjectId);

    public async Task<(InboundService Service, List<Op> Operators)> ServiceAsync(int operators, int? portfolioTypeId = null, int? agencyId = null)
    {
        var ops = new List<Op>();
        for (var i = 0; i < operators; i++)
        {
            var (user, client, subject) = await Access.UserAsync(Roles.Operator, agencyId);
            ops.Add(new Op(user.Id, user.UserName, client, subject));
        }
        var service = new InboundService
        {
            Code = "IN" + Unique(), Name = "Servizio " + Unique(), Number = "+3902" + Random.Shared.Next(10_000_000, 99_999_999),
            PortfolioTypeId = portfolioTypeId, LastContacts = 3,
            Operators = ops.Select(o => new InboundServiceOperator { UserId = o.Id }).ToList(),
        };
        await WithDbAsync(async db => { db.Add(service); await db.SaveChangesAsync(); });
        return (service, ops);
    }

    public async Task WithDbAsync(Func<SchedarioDb, Task> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<SchedarioDb>());
    }

    public async Task<T> WithDbAsync<T>(Func<SchedarioDb, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<SchedarioDb>());
    }

    public static async Task<PhoneBarDto> ReadyAsync(HttpClient client)
    {
        await OkAsync<PhoneBarDto>(await client.PostAsJsonAsync("/api/v1/phone-bar/open", new { }));
        return await OkAsync<PhoneBarDto>(await client.PostAsJsonAsync("/api/v1/phone-bar/state", new { state = "ready" }));
    }

    public static async Task<PhoneBarDto> BarAsync(HttpClient client) => (await client.GetFromJsonAsync<PhoneBarDto>("/api/v1/phone-bar"))!;

    /// <summary>Waits (up to 20 s: a loaded CI machine) until the bar is in the state.</summary>
    public static async Task<PhoneBarDto> WaitForAsync(HttpClient client, string state, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        PhoneBarDto bar;
        while ((bar = await BarAsync(client)).State != state)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"bar stayed {bar.State}, expected {state}");
            await Task.Delay(50);
        }
        return bar;
    }

    /// <summary>Makes a call ring on the simulated PBX, as a supervisor's tool does.</summary>
    public async Task<string> RingAsync(string caller, string called)
    {
        var r = await admin.PostAsJsonAsync("/api/v1/telephony/simulate/inbound", new { caller, called });
        return (await OkAsync<System.Text.Json.JsonElement>(r)).GetProperty("callId").GetString()!;
    }

    public async Task<long> AcceptAsync(HttpClient client)
    {
        var r = await OkAsync<System.Text.Json.JsonElement>(await client.PostAsync("/api/v1/phone-bar/accept", null));
        return r.GetProperty("contactId").GetInt64();
    }

    public Task<List<InboundCode>> CodesAsync() => WithDbAsync(db => db.InboundCodes().AsNoTracking().Where(c => c.Active).ToListAsync());

    public async Task<object> ValidClosingAsync(string outcome = "OK")
    {
        var codes = await CodesAsync();
        var group = codes.First(c => c.Kind == InboundCodeKind.Group && c.Code == "INFO");
        return new
        {
            outcomeId = codes.First(c => c.Kind == InboundCodeKind.Outcome && c.Code == outcome).Id,
            actionId = codes.First(c => c.Kind == InboundCodeKind.Action).Id,
            groupId = group.Id,
            groupDetailId = codes.First(c => c.Kind == InboundCodeKind.GroupDetail && c.GroupId == group.Id).Id,
            contactName = "Anna Rossi", consent = true, documentType = "identityCard", documentNumber = "ca12345ab", notes = "Chiede informazioni sull'offerta.",
        };
    }

    /// <summary>Older inbound contacts and outbound calls of the record, numbered oldest (0) to newest.</summary>
    public Task SeedHistoryAsync(Guid customerId, int inbound, int outbound) => WithDbAsync(async db =>
    {
        var now = DateTime.UtcNow;
        for (var i = 0; i < inbound; i++)
            db.Add(new InboundContact { CustomerId = customerId, OperatorUserId = "x", OperatorName = "Collega", StartedAt = now.AddDays(-10 + i), Status = InboundContactStatus.Resolved, Notes = $"inbound-note-{i}" });
        var type = new CampaignType { Code = "H" + Unique(), Name = "Storico" };
        db.Add(type);
        await db.SaveChangesAsync();
        var campaign = new Campaign { Code = "H" + Unique(), Name = "Storico", TypeId = type.Id, StartDate = DateOnly.FromDateTime(now.AddDays(-30)), EndDate = DateOnly.FromDateTime(now), CreatedAt = now, CreatedBy = "test" };
        db.Add(campaign);
        await db.SaveChangesAsync();
        var entry = new CampaignEntry { CampaignId = campaign.Id, CustomerId = customerId, State = EntryState.Negative, CreatedAt = now };
        db.Add(entry);
        await db.SaveChangesAsync();
        for (var i = 0; i < outbound; i++)
            db.Add(new Call { CampaignId = campaign.Id, EntryId = entry.Id, CustomerId = customerId, OperatorUserId = "x", OperatorName = "Collega", StartedAt = now.AddDays(-10 + i), EndedAt = now.AddDays(-10 + i).AddMinutes(2), DurationSeconds = 120, OutcomeId = 8, OutcomeCode = "NON INTERESSATO", Note = $"outbound-note-{i}" });
        await db.SaveChangesAsync();
    });
}
