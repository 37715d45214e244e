using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Campaigns;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Compliance;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Registry;

namespace Schedario.Tests.CallCenter.Compliance;

/// <summary>Helpers of the compliance tests: numbers, records with phones in a campaign, register uploads.</summary>
public sealed class ComplianceKit(SchedarioAppFactory app)
{
    /// <summary>A fresh valid Italian mobile number, E.164.</summary>
    public static string Mobile() => "+39333" + Random.Shared.Next(1_000_000, 9_999_999);

    /// <summary>The same number as a person types it nationally ("333 1234567").</summary>
    public static string National(string e164) => e164[3..6] + " " + e164[6..];

    public CampaignKit Campaigns => new(app);

    public async Task<T> WithDbAsync<T>(Func<SchedarioDb, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<SchedarioDb>());
    }

    public async Task WithDbAsync(Func<SchedarioDb, Task> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<SchedarioDb>());
    }

    /// <summary>A campaign open every day at any hour (5 attempts).</summary>
    public static async Task<CampaignDto> CampaignAsync(HttpClient admin)
    {
        var type = await CampaignKit.CreateTypeAsync(admin);
        var today = DateOnly.FromDateTime(DateTime.Today);
        return await CampaignKit.CreateCampaignAsync(admin, type, today.AddDays(-10), today.AddDays(60));
    }

    /// <summary>A record with a main phone (null for none) and other phones, put in the campaign's pool to call; returns the entry and record ids.</summary>
    public Task<(long EntryId, Guid CustomerId)> EntryAsync(int campaignId, string? mainPhone, params string[] otherPhones) => WithDbAsync(async db =>
    {
        var now = DateTime.UtcNow;
        var last = "Bianchi" + CampaignKit.Unique();
        var c = new Customer
        {
            Kind = CustomerKind.Person, Stage = LifecycleStage.Lead, FirstName = "Anna", LastName = last, DisplayName = $"{last} Anna",
            SearchName = $"{last.ToLowerInvariant()} anna", SearchNameAlt = $"anna {last.ToLowerInvariant()}", City = "Torino", Province = "TO",
            MainPhone = mainPhone, CreatedAt = now, CreatedBy = "test", UpdatedAt = now, UpdatedBy = "test",
        };
        if (mainPhone is not null) c.Phones.Add(new CustomerPhone { CustomerId = c.Id, Type = PhoneType.Mobile, Number = mainPhone, E164 = mainPhone, IsMain = true });
        foreach (var p in otherPhones) c.Phones.Add(new CustomerPhone { CustomerId = c.Id, Type = PhoneType.Mobile, Number = p, E164 = p });
        db.Add(c);
        var entry = new CampaignEntry { CampaignId = campaignId, CustomerId = c.Id, State = EntryState.ToCall, CreatedAt = now };
        db.Add(entry);
        await db.SaveChangesAsync();
        return (entry.Id, c.Id);
    });

    public Task UpdateEntryAsync(long entryId, Action<CampaignEntry> change) => WithDbAsync(async db =>
    {
        var e = await db.CampaignEntries().FirstAsync(x => x.Id == entryId);
        change(e);
        await db.SaveChangesAsync();
    });

    public Task UpdateCampaignAsync(int campaignId, Action<Campaign> change) => WithDbAsync(async db =>
    {
        var c = await db.Campaigns().FirstAsync(x => x.Id == campaignId);
        change(c);
        await db.SaveChangesAsync();
    });

    public static Task<HttpResponseMessage> UploadAsync(HttpClient client, string content, string fileName = "rpo.csv")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        return client.PostAsync("/api/v1/do-not-call/register", form);
    }

    /// <summary>Imports a register file of exactly these numbers (one per line) and returns the result.</summary>
    public static async Task<RegisterImportResult> RegisterAsync(HttpClient admin, params string[] numbers)
    {
        var r = await UploadAsync(admin, string.Join("\n", numbers) + "\n");
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<RegisterImportResult>())!;
    }

    public static async Task<DoNotCallPage> ListAsync(HttpClient client, string query)
    {
        var r = await client.GetAsync("/api/v1/do-not-call?" + query);
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<DoNotCallPage>())!;
    }

    /// <summary>The list's rows for one number, as "source" names.</summary>
    public static async Task<List<string>> SourcesAsync(HttpClient admin, string e164) =>
        (await ListAsync(admin, "q=" + Uri.EscapeDataString(e164))).Items.Where(i => i.Number == e164).Select(i => i.Source).Order().ToList();

    public static async Task<DialabilityDto> DialabilityAsync(HttpClient client, long entryId)
    {
        var r = await client.GetAsync($"/api/v1/campaign-entries/{entryId}/dialability");
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<DialabilityDto>())!;
    }
}
