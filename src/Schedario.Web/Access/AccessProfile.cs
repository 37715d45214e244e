using Schedario.Web.Identity;

namespace Schedario.Web.Access;

/// <summary>
/// Who is acting and how far each action reaches, resolved once per request or circuit event.
/// </summary>
public sealed record AccessProfile(
    string UserId, string UserName, IReadOnlyList<string> Roles, int? SubjectId, int? AgencyId, bool Disabled,
    IReadOnlyDictionary<RecordAction, VisibilityLevel> Levels)
{
    public VisibilityLevel LevelFor(RecordAction action) =>
        Disabled ? VisibilityLevel.None : Levels.GetValueOrDefault(action, VisibilityLevel.None);

    public bool IsAdministrator => Roles.Contains(Identity.Roles.Administrator);

    /// <summary>An authenticated request whose user is unknown or gone: sees nothing.</summary>
    public static AccessProfile Nobody(string userId, string userName) =>
        new(userId, userName, [], null, null, Disabled: true, new Dictionary<RecordAction, VisibilityLevel>());
}

/// <summary>
/// The profile of the user the current work is done for. It travels with the async flow (like
/// <c>HttpContext</c>), so a page's fresh DI scope for one operation still knows its user. Work with
/// no user at all (start-up, the import worker, tests that call services directly) runs as the
/// system and sees everything: no HTTP request or Blazor event reaches data without a profile,
/// because <see cref="AccessMiddleware"/> and <see cref="AccessCircuitHandler"/> set it first.
/// </summary>
public static class AmbientAccess
{
    static readonly AsyncLocal<AccessProfile?> current = new();
    static readonly AsyncLocal<string?> address = new();

    /// <summary>The client's IP address for the audit trail (null outside a request).</summary>
    public static string? ClientAddress
    {
        get => address.Value;
        set => address.Value = value;
    }

    /// <summary>Null = the system.</summary>
    public static AccessProfile? Current
    {
        get => current.Value;
        set => current.Value = value;
    }

    /// <summary>Runs a block as someone else (tests, or a background job started for a user).</summary>
    public static IDisposable As(AccessProfile? profile)
    {
        var previous = current.Value;
        current.Value = profile;
        return new Restore(previous);
    }

    sealed class Restore(AccessProfile? previous) : IDisposable
    {
        public void Dispose() => current.Value = previous;
    }
}
