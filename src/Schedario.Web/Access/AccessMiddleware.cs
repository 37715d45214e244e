using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Schedario.Web.Access;

/// <summary>
/// Sets the <see cref="AmbientAccess"/> profile for an HTTP request. A disabled (or deleted) user's
/// cookie or still-unexpired bearer token stops working here: the API answers 401, a page signs the
/// cookie out and sends the browser to the login page.
/// </summary>
public static class AccessMiddleware
{
    public static IApplicationBuilder UseRecordAccess(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            AmbientAccess.ClientAddress = http.Connection.RemoteIpAddress?.ToString();
            if (http.User.Identity?.IsAuthenticated == true)
            {
                var profile = await http.RequestServices.GetRequiredService<AccessProfiles>().ForAsync(http.User, http.RequestAborted);
                if (profile.Disabled)
                {
                    // Answered here: a policy naming its scheme would authenticate the token again.
                    if (http.Request.Path.StartsWithSegments("/api"))
                    {
                        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                        {
                            HttpContext = http,
                            ProblemDetails = { Status = 401, Title = "Non autorizzato", Detail = "L'utente è disattivato." },
                        });
                        return;
                    }
                    await http.SignOutAsync(Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme);
                    http.Response.Redirect("/login?error=disabled");
                    return;
                }
                else AmbientAccess.Current = profile;
            }
            else
            {
                // Anonymous pages (login, health) never read records; if one tried, it would see none.
                AmbientAccess.Current = AccessProfile.Nobody("", "");
            }
            await next(http);
        });
}

/// <summary>
/// The same for a Blazor circuit: every event from the browser (clicks, the first render) runs with
/// the circuit user's profile, including the fresh DI scopes pages create per operation.
/// </summary>
public sealed class AccessCircuitHandler(AuthenticationStateProvider authentication, AccessProfiles profiles) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var user = (await authentication.GetAuthenticationStateAsync()).User;
            AmbientAccess.Current = user.Identity?.IsAuthenticated == true
                ? await profiles.ForAsync(user)
                : AccessProfile.Nobody("", "");
            await next(context);
        };
}
