using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Schedario.Web.Shared;

namespace Schedario.Web.Identity;

public static class AuthApi
{
    public sealed record TokenRequest(string? UserName, string? Password);

    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/auth").WithTags("Auth");
        group.MapPost("/token", IssueToken).AllowAnonymous().RequireRateLimiting(SecurityHeaders.LoginPolicy)
            .WithSummary("Exchange a user name and password for a bearer token")
            .WithDescription("Answers { accessToken, expiresIn, tokenType, refreshToken }. Send it as `Authorization: Bearer <accessToken>`.");
        return api;
    }

    static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> IssueToken(
        TokenRequest request, SignInManager<AppUser> signIn, UserManager<AppUser> users, Audit.AuditLog audit)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.UserName)) errors.Add("userName", "Il nome utente è obbligatorio.");
        if (string.IsNullOrEmpty(request.Password)) errors.Add("password", "La password è obbligatoria.");
        if (errors.Any) return errors.ToProblem();

        var user = await users.FindByNameAsync(request.UserName!.Trim());
        if (user is null || user.Disabled)
        {
            await audit.LoginAsync(request.UserName, false, user is null ? "token: utente sconosciuto" : "token: utente disattivato");
            return Problems.Unauthorized("Credenziali non valide.");
        }
        var check = await signIn.CheckPasswordSignInAsync(user, request.Password!, lockoutOnFailure: true);
        await audit.LoginAsync(user.UserName, check.Succeeded, check.IsLockedOut ? "token: account bloccato" : check.Succeeded ? "token" : "token: password errata");
        if (check.IsLockedOut) return Problems.Unauthorized("Account bloccato per troppi tentativi: riprova più tardi.");
        if (!check.Succeeded) return Problems.Unauthorized("Credenziali non valide.");

        signIn.AuthenticationScheme = IdentityConstants.BearerScheme;
        await signIn.SignInAsync(user, isPersistent: false);
        return TypedResults.Empty;
    }
}
