using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Schedario.Tests.Infrastructure;

namespace Schedario.Tests.Identity;

public sealed class HardeningTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    [Fact]
    public async Task Token_requests_past_the_limit_get_429()
    {
        using var limited = fixture.Factory.WithWebHostBuilder(b => b.UseSetting("Schedario:LoginAttemptsPerMinute", "3"));
        using var client = limited.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            statuses.Add((await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "nobody", password = "wrong-password" })).StatusCode);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_one()
    {
        var user = "lock" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Factory.CreateUserAsync(user, "Giusta!2026pw", Schedario.Web.Identity.Roles.Operator);
        using var client = fixture.Factory.CreateClient();
        for (var i = 0; i < 5; i++)
            await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = user, password = "Sbagliata!2026" });
        var right = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = user, password = "Giusta!2026pw" });
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("bloccato", await right.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Responses_carry_security_headers_and_the_api_ignores_the_ui_cookie()
    {
        using var client = fixture.Factory.CreateClient(new() { AllowAutoRedirect = false });
        var login = await client.GetAsync("/login");
        Assert.Equal("nosniff", login.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", login.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", login.Headers.GetValues("Content-Security-Policy").Single());

        // A page without a login goes to the login page; an API call gets 401, never a redirect.
        var page = await client.GetAsync("/customers");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.OriginalString.Replace("http://localhost", ""));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/characteristics")).StatusCode);
    }
}
