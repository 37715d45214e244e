using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Schedario.Web.Identity;

/// <summary>Form posts of the UI: log in and out with the Identity cookie, switch language.</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", async ([FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl,
            SignInManager<AppUser> signIn, UserManager<AppUser> users, Audit.AuditLog audit) =>
        {
            var target = LocalUrl(returnUrl);
            var user = string.IsNullOrWhiteSpace(userName) ? null : await users.FindByNameAsync(userName.Trim());
            if (user is null || user.Disabled || string.IsNullOrEmpty(password))
            {
                await audit.LoginAsync(userName, false, user is null ? "utente sconosciuto" : user.Disabled ? "utente disattivato" : "password mancante");
                return Results.Redirect($"/login?error=failed&returnUrl={Uri.EscapeDataString(target)}");
            }
            var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
            await audit.LoginAsync(user.UserName, result.Succeeded, result.IsLockedOut ? "account bloccato" : result.Succeeded ? "interfaccia" : "password errata");
            if (result.IsLockedOut) return Results.Redirect($"/login?error=locked&returnUrl={Uri.EscapeDataString(target)}");
            if (!result.Succeeded) return Results.Redirect($"/login?error=failed&returnUrl={Uri.EscapeDataString(target)}");
            return Results.LocalRedirect(target);
        }).AllowAnonymous().RequireRateLimiting(Shared.SecurityHeaders.LoginPolicy).ExcludeFromDescription();

        app.MapPost("/account/logout", async (SignInManager<AppUser> signIn, HttpContext http, IEnumerable<ISignOutHandler> handlers) =>
        {
            if (http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value is { } userId)
                foreach (var h in handlers) await h.OnSignOutAsync(userId, http.RequestAborted);
            await signIn.SignOutAsync();
            return Results.Redirect("/login");
        }).ExcludeFromDescription();

        app.MapGet("/culture", (string? c, string? redirectUri, HttpContext http) =>
        {
            var culture = c is "en-US" or "en" ? "en-US" : "it-IT";
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
            return Results.LocalRedirect(LocalUrl(redirectUri));
        }).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>Only a local path may be a redirect target (no open redirect).</summary>
    static string LocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\") ? url : "/";
}

/// <summary>Told when a user logs out, so other modules can let go of them (the phone bar goes offline).</summary>
public interface ISignOutHandler
{
    Task OnSignOutAsync(string userId, CancellationToken ct);
}
