using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Identity;

namespace Schedario.Tests.Access;

/// <summary>
/// Calls every API endpoint, discovered from the app's endpoint data source, as anonymous, as each
/// role and with a disabled user's token, and checks the answer against the table below. A new
/// endpoint fails this test until someone writes down who may call it.
/// </summary>
public abstract class AuthorizationMatrixTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;

    static readonly string[] Everyone = Roles.All;
    static readonly string[] Admins = [Roles.Administrator];
    static readonly string[] Managers = [Roles.Administrator, Roles.Supervisor];
    static readonly string[] Callers = [Roles.Administrator, Roles.Supervisor, Roles.Operator];
    static readonly string[] Keepers = [Roles.Administrator, Roles.Supervisor, Roles.BackOffice];
    static readonly string[] Anonymous = ["anonymous"];

    /// <summary>Who may call each endpoint ("METHOD route pattern").</summary>
    static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["POST /api/v1/auth/token"] = Anonymous,
        // Registry: every role; which records each sees is the visibility rules' job.
        ["GET /api/v1/customers/"] = Everyone,
        ["POST /api/v1/customers/query"] = Everyone,
        ["GET /api/v1/customers/search"] = Everyone,
        ["GET /api/v1/customers/lookup"] = Everyone,
        ["POST /api/v1/customers/export"] = Everyone,
        ["POST /api/v1/customers/"] = Everyone,
        ["GET /api/v1/customers/{id:guid}"] = Everyone,
        ["PUT /api/v1/customers/{id:guid}"] = Everyone,
        ["DELETE /api/v1/customers/{id:guid}"] = Everyone,
        ["GET /api/v1/customers/{id:guid}/characteristics"] = Everyone,
        ["POST /api/v1/customers/{id:guid}/characteristics"] = Everyone,
        ["DELETE /api/v1/customers/{id:guid}/characteristics/{characteristicId:int}"] = Everyone,
        ["GET /api/v1/customers/{id:guid}/history"] = Everyone,
        ["GET /api/v1/customers/{id:guid}/gdpr-export"] = Everyone,
        ["POST /api/v1/customers/{id:guid}/erase"] = Everyone,
        ["PUT /api/v1/customers/{id:guid}/legal-hold"] = Everyone,
        ["GET /api/v1/customers/{id:guid}/subjects"] = Everyone,
        ["PUT /api/v1/customers/{id:guid}/subjects"] = Everyone,
        ["POST /api/v1/customers/assign"] = Everyone,
        ["GET /api/v1/customers/{id:guid}/merges"] = Everyone,
        ["POST /api/v1/customers/{id:guid}/merge"] = Keepers,
        ["GET /api/v1/duplicates/"] = Keepers,
        ["POST /api/v1/duplicates/dismiss"] = Keepers,
        ["GET /api/v1/characteristics/"] = Everyone,
        ["POST /api/v1/characteristics/"] = Admins,
        ["PUT /api/v1/characteristics/{id:int}"] = Admins,
        ["GET /api/v1/characteristics/{id:int}/removal"] = Admins,
        ["DELETE /api/v1/characteristics/{id:int}/assignments"] = Admins,
        ["POST /api/v1/imports/preview"] = Keepers,
        ["POST /api/v1/imports/"] = Keepers,
        ["GET /api/v1/imports/"] = Keepers,
        ["GET /api/v1/imports/{id:guid}"] = Keepers,
        ["GET /api/v1/imports/{id:guid}/errors"] = Keepers,
        ["POST /api/v1/imports/{id:guid}/revert"] = Keepers,
        ["GET /api/v1/import-templates/"] = Keepers,
        ["POST /api/v1/import-templates/"] = Keepers,
        // Campaigns and the desk.
        ["GET /api/v1/settings/"] = Everyone,
        ["GET /api/v1/settings/{code}"] = Everyone,
        ["PUT /api/v1/settings/{code}"] = Admins,
        ["GET /api/v1/campaign-types/"] = Everyone,
        ["POST /api/v1/campaign-types/"] = Managers,
        ["GET /api/v1/outcomes"] = Everyone,
        ["POST /api/v1/outcomes"] = Admins,
        ["PUT /api/v1/outcomes/{id:int}"] = Admins,
        ["GET /api/v1/campaigns/"] = Everyone,
        ["GET /api/v1/campaigns/workable"] = Everyone,
        ["GET /api/v1/campaigns/{id:int}"] = Everyone,
        ["POST /api/v1/campaigns/"] = Managers,
        ["PUT /api/v1/campaigns/{id:int}"] = Managers,
        ["POST /api/v1/campaigns/{id:int}/retire"] = Managers,
        ["POST /api/v1/campaigns/{id:int}/wizard/preview"] = Managers,
        ["POST /api/v1/campaigns/{id:int}/wizard/fill"] = Managers,
        ["GET /api/v1/campaigns/{id:int}/entries"] = Managers,
        ["GET /api/v1/campaigns/{id:int}/stats"] = Managers,
        ["POST /api/v1/campaigns/{id:int}/reassign"] = Managers,
        ["POST /api/v1/campaigns/{id:int}/recycle"] = Managers,
        ["POST /api/v1/campaigns/{id:int}/next"] = Callers,
        ["GET /api/v1/campaigns/{id:int}/promise-targets"] = Callers,
        ["GET /api/v1/campaign-entries/{id:long}"] = Callers,
        ["POST /api/v1/campaign-entries/{id:long}/close"] = Callers,
        ["POST /api/v1/campaign-entries/{id:long}/release"] = Callers,
        // Users, subjects, visibility, audit.
        ["GET /api/v1/users/"] = Admins,
        ["GET /api/v1/users/{id}"] = Admins,
        ["POST /api/v1/users/"] = Admins,
        ["PUT /api/v1/users/{id}"] = Admins,
        ["POST /api/v1/users/{id}/password"] = Admins,
        ["GET /api/v1/me/"] = Everyone,
        ["POST /api/v1/me/password"] = Everyone,
        ["GET /api/v1/agencies/"] = Everyone,
        ["POST /api/v1/agencies/"] = Admins,
        ["PUT /api/v1/agencies/{id:int}"] = Admins,
        ["GET /api/v1/subjects/"] = Everyone,
        ["POST /api/v1/subjects/"] = Admins,
        ["PUT /api/v1/subjects/{id:int}"] = Admins,
        ["GET /api/v1/portfolio-types/"] = Everyone,
        ["POST /api/v1/portfolio-types/"] = Admins,
        ["PUT /api/v1/portfolio-types/{id:int}"] = Admins,
        ["GET /api/v1/roles/{role}/visibility"] = Admins,
        ["PUT /api/v1/roles/{role}/visibility"] = Admins,
        ["GET /api/v1/audit"] = Admins,
        // Telephony: the webhook's HMAC signature is its authentication; the log and the simulator are the supervisors'.
        ["POST /api/v1/telephony/events"] = Anonymous,
        ["POST /api/v1/telephony/simulate/inbound"] = Managers,
        ["GET /api/v1/telephony/calls"] = Managers,
        ["GET /api/v1/telephony/calls/{id:long}"] = Managers,
        ["GET /api/v1/telephony/calls/{id:long}/events"] = Managers,
        // The phone bar and the inbound desk.
        ["GET /api/v1/phone-bar/"] = Callers,
        ["GET /api/v1/phone-bar/pop"] = Callers,
        ["POST /api/v1/phone-bar/open"] = Callers,
        ["POST /api/v1/phone-bar/state"] = Callers,
        ["POST /api/v1/phone-bar/accept"] = Callers,
        ["POST /api/v1/phone-bar/reject"] = Callers,
        ["POST /api/v1/phone-bar/hangup"] = Callers,
        ["POST /api/v1/phone-bar/dial"] = Callers,
        ["GET /api/v1/campaigns/{id:int}/dialer/"] = Callers,
        ["POST /api/v1/campaigns/{id:int}/dialer/start"] = Managers,
        ["POST /api/v1/campaigns/{id:int}/dialer/stop"] = Managers,
        ["POST /api/v1/campaigns/{id:int}/dialer/join"] = Callers,
        ["POST /api/v1/campaigns/{id:int}/dialer/leave"] = Callers,
        ["GET /api/v1/inbound-contacts/"] = Callers,
        ["GET /api/v1/inbound-contacts/{id:long}"] = Callers,
        ["GET /api/v1/inbound-contacts/{id:long}/search"] = Callers,
        ["PUT /api/v1/inbound-contacts/{id:long}/customer"] = Callers,
        ["POST /api/v1/inbound-contacts/{id:long}/close"] = Callers,
        ["GET /api/v1/inbound-contacts/{id:long}/follow-ups"] = Callers,
        ["POST /api/v1/inbound-contacts/{id:long}/follow-ups"] = Callers,
        // Inbound administration and mail.
        ["GET /api/v1/inbound-services/"] = Callers,
        ["POST /api/v1/inbound-services/"] = Managers,
        ["PUT /api/v1/inbound-services/{id:int}"] = Managers,
        ["DELETE /api/v1/inbound-services/{id:int}"] = Managers,
        ["GET /api/v1/inbound-codes/"] = Everyone,
        ["POST /api/v1/inbound-codes/"] = Admins,
        ["PUT /api/v1/inbound-codes/{id:int}"] = Admins,
        ["GET /api/v1/mail-templates/"] = Callers,
        ["POST /api/v1/mail-templates/"] = Managers,
        ["PUT /api/v1/mail-templates/{id:int}"] = Managers,
        ["POST /api/v1/customers/{id:guid}/mail"] = Callers,
        ["GET /api/v1/customers/{id:guid}/mails"] = Everyone,
        // The supervisor's wallboard.
        ["GET /api/v1/wallboard"] = Managers,
        // Compliance: the do-not-call list and the opposition register are the managers'; why a name is not called, the desk's.
        ["GET /api/v1/do-not-call/"] = Managers,
        ["POST /api/v1/do-not-call/"] = Managers,
        ["DELETE /api/v1/do-not-call/{number}"] = Managers,
        ["POST /api/v1/do-not-call/register/"] = Managers,
        ["GET /api/v1/do-not-call/register/"] = Managers,
        ["GET /api/v1/campaign-entries/{id:long}/dialability"] = Callers,
    };

    /// <summary>Endpoints a role may call whose answer is a visibility refusal by default (their level is "none").</summary>
    static readonly Dictionary<string, string[]> RefusedByLevel = new()
    {
        ["POST /api/v1/customers/export"] = [Roles.Operator, Roles.Agent],
    };

    List<(string Key, string Method, string Url, bool Form)> Endpoints()
    {
        var sources = App.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        var found = new List<(string, string, string, bool)>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (!pattern.StartsWith("/api/v1/")) continue;
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                found.Add(($"{method} {pattern}", method, Fill(pattern),
                    endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes.Contains("multipart/form-data") == true));
        }
        return found.Distinct().ToList();
    }

    static string Fill(string pattern) => Regex.Replace(pattern, @"\{(\w+)(:(\w+))?\}", m => (m.Groups[1].Value, m.Groups[3].Value) switch
    {
        (_, "guid") => Guid.NewGuid().ToString(),
        (_, "int" or "long") => "987654",
        ("role", _) => "Operator",
        ("code", _) => "CC0028",
        _ => "nessuno",
    });

    [Fact]
    public async Task Every_endpoint_answers_each_identity_as_the_table_says()
    {
        var endpoints = Endpoints();
        var unlisted = endpoints.Select(e => e.Key).Where(k => !Allowed.ContainsKey(k)).ToList();
        Assert.True(unlisted.Count == 0, "Endpoints nobody decided who may call (add them to the table):\n" + string.Join("\n", unlisted));
        var gone = Allowed.Keys.Except(endpoints.Select(e => e.Key)).ToList();
        Assert.True(gone.Count == 0, "Table rows for endpoints that no longer exist:\n" + string.Join("\n", gone));

        using var admin = await App.CreateAdminClientAsync();
        var kit = new AccessKit(App, admin);
        var clients = new Dictionary<string, HttpClient>();
        foreach (var role in Roles.All)
            clients[role] = role == Roles.Administrator ? await App.CreateAdminClientAsync() : (await kit.UserAsync(role, null, withSubject: false)).Client;
        var (disabledUser, disabledClient, _) = await kit.UserAsync(Roles.Supervisor, null, withSubject: false);
        var off = await admin.PutAsJsonAsync($"/api/v1/users/{disabledUser.Id}", new { userName = disabledUser.UserName, roles = disabledUser.Roles, disabled = true });
        Assert.True(off.IsSuccessStatusCode);
        using var anonymous = App.CreateClient(new() { AllowAutoRedirect = false });

        var wrong = new StringBuilder();
        foreach (var (key, method, url, form) in endpoints)
        {
            var allowed = Allowed[key];
            async Task<HttpResponseMessage> Call(HttpClient client)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                // Uploads take a form (anything else is 415 before authorization is even asked).
                if (method is "POST" or "PUT") request.Content = form ? new MultipartFormDataContent { { new StringContent(""), "mode" } } : JsonContent.Create(new { });
                return await client.SendAsync(request);
            }

            var anon = await Call(anonymous);
            if (allowed == Anonymous)
            {
                if (anon.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.InternalServerError)
                    wrong.AppendLine($"{key} anonymous: {(int)anon.StatusCode}, expected it open");
                continue;
            }
            if (anon.StatusCode != HttpStatusCode.Unauthorized) wrong.AppendLine($"{key} anonymous: {(int)anon.StatusCode}, expected 401");
            var disabled = await Call(disabledClient);
            if (disabled.StatusCode != HttpStatusCode.Unauthorized) wrong.AppendLine($"{key} disabled user: {(int)disabled.StatusCode}, expected 401");

            foreach (var (role, client) in clients)
            {
                var response = await Call(client);
                var status = response.StatusCode;
                var refused = RefusedByLevel.TryGetValue(key, out var r) && r.Contains(role);
                if (!allowed.Contains(role) || refused)
                {
                    if (status != HttpStatusCode.Forbidden) wrong.AppendLine($"{key} as {role}: {(int)status}, expected 403");
                }
                else if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.InternalServerError)
                    wrong.AppendLine($"{key} as {role}: {(int)status}, expected it allowed: {await response.Content.ReadAsStringAsync()}");
                else if ((int)status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    wrong.AppendLine($"{key} as {role}: {(int)status} without problem details");
            }
        }
        Assert.True(wrong.Length == 0, wrong.ToString());
    }
}

public sealed class AuthorizationMatrixTests_Sqlite(SqliteAppFixture f) : AuthorizationMatrixTests<SqliteAppFixture>(f);
public sealed class AuthorizationMatrixTests_Postgres(PostgresAppFixture f) : AuthorizationMatrixTests<PostgresAppFixture>(f);
