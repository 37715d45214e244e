using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Schedario.Web.Identity;

public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(Policies.Administrator);
        users.MapGet("/", (UserService s, CancellationToken ct) => s.ListAsync(ct)).WithSummary("Users with roles, subject and agency (administrators)");
        users.MapGet("/{id}", (string id, UserService s, CancellationToken ct) => s.GetAsync(id, ct)).WithSummary("One user");
        users.MapPost("/", async (UserInput input, UserService s, CancellationToken ct) =>
        {
            var u = await s.CreateAsync(input, ct);
            return TypedResults.Created($"/api/v1/users/{u.Id}", u);
        }).WithSummary("Create a user; the body carries the password too");
        users.MapPut("/{id}", (string id, UserInput input, UserService s, ClaimsPrincipal me, CancellationToken ct) =>
            s.UpdateAsync(id, input, me.FindFirstValue(ClaimTypes.NameIdentifier) ?? "", ct))
            .WithSummary("Edit a user: name, roles, subject, agency, disabled (a disabled user's tokens stop working at once)");
        users.MapPost("/{id}/password", async (string id, PasswordInput input, UserService s, CancellationToken ct) =>
        {
            await s.ResetPasswordAsync(id, input, ct);
            return TypedResults.NoContent();
        }).WithSummary("Reset a user's password (and unlock the account)");

        var me = api.MapGroup("/me").WithTags("Users");
        me.MapGet("/", (UserService s, ClaimsPrincipal user, CancellationToken ct) => s.GetAsync(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "", ct))
            .WithSummary("The user the token belongs to");
        me.MapPost("/password", async (ChangePasswordInput input, UserService s, ClaimsPrincipal user, CancellationToken ct) =>
        {
            await s.ChangeOwnPasswordAsync(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "", input, ct);
            return TypedResults.NoContent();
        }).WithSummary("Change your own password");
        return api;
    }
}
