using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Identity;
using Schedario.Web.Organization;
using Schedario.Web.Registry;

namespace Schedario.Tests.Access;

/// <summary>Builds agencies, subjects, users and owned records through the public API, as an administrator would.</summary>
public sealed class AccessKit(SchedarioAppFactory app, HttpClient admin)
{
    public const string Password = "Operatore!2026";

    public static string Unique() => Guid.NewGuid().ToString("N")[..8];

    public static async Task<T> OkAsync<T>(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public async Task<AgencyDto> AgencyAsync() =>
        await OkAsync<AgencyDto>(await admin.PostAsJsonAsync("/api/v1/agencies", new { code = "AG" + Unique(), name = "Agenzia " + Unique() }));

    public async Task<PortfolioTypeDto> PortfolioTypeAsync() =>
        await OkAsync<PortfolioTypeDto>(await admin.PostAsJsonAsync("/api/v1/portfolio-types", new { code = "PT" + Unique(), name = "Portafoglio " + Unique() }));

    public async Task<SubjectDto> SubjectAsync(string kind, int? agencyId) =>
        await OkAsync<SubjectDto>(await admin.PostAsJsonAsync("/api/v1/subjects", new { kind, name = "Soggetto " + Unique(), agencyId }));

    /// <summary>A user of the role, linked to a fresh subject of the agency (when given); returns their client too.</summary>
    public async Task<(UserDto User, HttpClient Client, int? SubjectId)> UserAsync(string role, int? agencyId, bool withSubject = true)
    {
        int? subjectId = withSubject ? (await SubjectAsync(role == Roles.Agent ? "agent" : "operator", agencyId)).Id : null;
        var name = role.ToLowerInvariant()[..3] + Unique();
        var user = await OkAsync<UserDto>(await admin.PostAsJsonAsync("/api/v1/users",
            new { userName = name, displayName = name, roles = new[] { role }, subjectId, agencyId, password = Password }));
        return (user, await app.CreateClientAsAsync(name, Password), subjectId);
    }

    /// <summary>A person with a unique surname and mobile; owned by <paramref name="ownerSubjectId"/> in the portfolio type.</summary>
    public async Task<(CustomerDto Record, string Phone)> RecordAsync(string surname, int? portfolioTypeId = null, int? ownerSubjectId = null, int? agencyId = null)
    {
        var phone = "3" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        var record = await OkAsync<CustomerDto>(await admin.PostAsJsonAsync("/api/v1/customers", new CustomerInput
        {
            Kind = "person", Stage = "lead", FirstName = "Anna", LastName = surname,
            Addresses = [new AddressDto(null, "via roma", "1", "20121", "milano", "mi", null, null)],
            Phones = [new PhoneDto(null, phone, null, true)],
            Emails = [new EmailDto($"{surname.ToLowerInvariant()}@example.it", true)],
            Consents = [new ConsentDto("marketing", "phone", true, null, "telefonata", null)],
        }));
        if (ownerSubjectId is not null || agencyId is not null)
        {
            var owners = ownerSubjectId is null ? new object[0] : [new { portfolioTypeId, subjectId = ownerSubjectId }];
            var set = await admin.PutAsJsonAsync($"/api/v1/customers/{record.Id}/subjects", new { owners, agencyId });
            await OkAsync<RecordSubjectsDto>(set);
            record = (await admin.GetFromJsonAsync<CustomerDto>($"/api/v1/customers/{record.Id}"))!;
        }
        return (record, phone);
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static void AssertFieldError(JsonElement problem, string field) =>
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected an error on '{field}' in {problem}");
}
