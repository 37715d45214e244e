using System.Security.Claims;

namespace Schedario.Web.Shared;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The user name recorded in "created by / updated by" columns.</summary>
    public static string UserName(this ClaimsPrincipal? user) => user?.Identity?.Name ?? "sistema";
}
