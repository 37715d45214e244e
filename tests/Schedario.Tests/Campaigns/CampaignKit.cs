using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Registry;

namespace Schedario.Tests.Campaigns;

/// <summary>Test helpers: registry records tagged with their own characteristic, users, campaigns.</summary>
public sealed class CampaignKit(SchedarioAppFactory app)
{
    public const string Password = "Operatore!2026";

    public static string Unique() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    /// <summary>Creates <paramref name="count"/> records carrying a fresh characteristic; the code selects exactly them.</summary>
    public async Task<(string Tag, List<Guid> Ids)> SeedCustomersAsync(int count, bool phoneConsent = true)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        var tag = "T" + Unique();
        var def = new CharacteristicDefinition { Code = tag, Description = tag, Category = "test" };
        db.Add(def);
        await db.SaveChangesAsync();
        var now = DateTime.UtcNow;
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var last = $"Rossi{tag}{i:D3}";
            var c = new Customer
            {
                Kind = CustomerKind.Person, Stage = LifecycleStage.Lead, FirstName = "Mario", LastName = last, DisplayName = $"{last} Mario",
                SearchName = $"{last.ToLowerInvariant()} mario", SearchNameAlt = $"mario {last.ToLowerInvariant()}",
                City = "Milano", Province = "MI", Region = "Lombardia", MainPhone = "+39333" + Random.Shared.Next(1_000_000, 9_999_999),
                CreatedAt = now, CreatedBy = "test", UpdatedAt = now, UpdatedBy = "test",
            };
            c.Characteristics.Add(new CustomerCharacteristic { CustomerId = c.Id, CharacteristicId = def.Id, Date = DateOnly.FromDateTime(now), RecordedAt = now, RecordedBy = "test" });
            if (phoneConsent)
                c.Consents.Add(new Consent { CustomerId = c.Id, Purpose = ConsentPurpose.Marketing, Channel = ConsentChannel.Phone, Given = true, At = now, Source = "test", RecordedBy = "test" });
            db.Add(c);
            ids.Add(c.Id);
        }
        await db.SaveChangesAsync();
        return (tag, ids);
    }

    public async Task<(string Id, string UserName)> CreateOperatorAsync(string role = Roles.Operator)
    {
        var name = "op" + Unique().ToLowerInvariant();
        await app.CreateUserAsync(name, Password, role);
        using var scope = app.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync(name);
        return (user!.Id, name);
    }

    public Task<HttpClient> ClientAsync(string userName) => app.CreateClientAsAsync(userName, Password);

    public static async Task<int> CreateTypeAsync(HttpClient admin)
    {
        var code = "TY" + Unique();
        var r = await admin.PostAsJsonAsync("/api/v1/campaign-types", new { code, name = "Tipo " + code });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        return (await r.Content.ReadFromJsonAsync<CampaignTypeDto>())!.Id;
    }

    public static async Task<CampaignDto> CreateCampaignAsync(HttpClient admin, int typeId, DateOnly start, DateOnly end, bool autoPromise = false, int maxAttempts = 5)
    {
        var code = "C" + Unique();
        var r = await admin.PostAsJsonAsync("/api/v1/campaigns", new CampaignInput
        {
            Code = code, Name = "Campagna " + code, TypeId = typeId, StartDate = start, EndDate = end, AutoContactPromise = autoPromise, MaxAttempts = maxAttempts,
            CallingDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
        });
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<CampaignDto>())!;
    }

    public static WizardInput Wizard(string tag, string mode = "pool", List<string>? operators = null, bool requireConsent = true, bool excludeSameType = true, int? calledWithin = null) => new()
    {
        Filter = new RegistryFilter { CharacteristicsPresent = [new CharacteristicCriterion(tag)] },
        RequirePhoneConsent = requireConsent, ExcludeInSameTypeActive = excludeSameType, ExcludeCalledWithinDays = calledWithin,
        Distribution = new DistributionInput { Mode = mode, OperatorIds = operators },
    };

    public static async Task<WizardResult> FillAsync(HttpClient admin, int campaignId, WizardInput input)
    {
        var r = await admin.PostAsJsonAsync($"/api/v1/campaigns/{campaignId}/wizard/fill", input);
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<WizardResult>())!;
    }

    public static async Task<DeskCard?> NextAsync(HttpClient client, int campaignId)
    {
        var r = await client.PostAsync($"/api/v1/campaigns/{campaignId}/next", null);
        if (r.StatusCode == HttpStatusCode.NoContent) return null;
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        return await r.Content.ReadFromJsonAsync<DeskCard>();
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage r, HttpStatusCode expected)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"{(int)r.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task AssertRuleAsync(HttpResponseMessage r, string rule)
    {
        var p = await ProblemAsync(r, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(rule, p.GetProperty("rule").GetString());
    }

    public async Task WithDbAsync(Func<SchedarioDb, Task> work)
    {
        using var scope = app.Services.CreateScope();
        await work(scope.ServiceProvider.GetRequiredService<SchedarioDb>());
    }

    public async Task<T> WithDbAsync<T>(Func<SchedarioDb, Task<T>> work)
    {
        using var scope = app.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<SchedarioDb>());
    }

    public Task<List<CampaignEntry>> EntriesAsync(int campaignId) =>
        WithDbAsync(db => db.Set<CampaignEntry>().AsNoTracking().Where(e => e.CampaignId == campaignId).OrderBy(e => e.CustomerId).ToListAsync());

    public async Task SetSettingAsync(HttpClient admin, string code, object value)
    {
        var r = await admin.PutAsJsonAsync($"/api/v1/settings/{code}", new { value });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }
}
