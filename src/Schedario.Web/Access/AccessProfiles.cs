using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Organization;

namespace Schedario.Web.Access;

/// <summary>
/// Builds and caches each user's <see cref="AccessProfile"/> from the database: their roles, subject,
/// agency, whether they are disabled, and the role visibility table. Cached for a few seconds so
/// a request costs no extra query; every change to users, subjects or visibility on this node
/// forgets the cache at once (another node follows within <see cref="Lifetime"/>).
/// </summary>
public sealed class AccessProfiles(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);

    readonly ConcurrentDictionary<string, (AccessProfile Profile, DateTimeOffset Until)> cache = new();
    volatile Dictionary<(string, RecordAction), VisibilityLevel>? table;
    DateTimeOffset tableUntil;

    public async Task<AccessProfile> ForAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null) return AccessProfile.Nobody("", user.Identity?.Name ?? "");
        return await ForUserIdAsync(userId, ct);
    }

    public async Task<AccessProfile> ForUserIdAsync(string userId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(userId, out var hit) && hit.Until > now) return hit.Profile;

        // Loaded as the system: the lookup itself must not be filtered by the profile it builds.
        using var _ = AmbientAccess.As(null);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        var account = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.UserName, u.Disabled, u.AgencyId }).FirstOrDefaultAsync(ct);
        AccessProfile profile;
        if (account is null) profile = AccessProfile.Nobody(userId, "");
        else
        {
            var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId select r.Name!).ToListAsync(ct);
            var subject = await db.Set<Subject>().AsNoTracking().Where(s => s.UserId == userId && s.Active)
                .Select(s => new { s.Id, s.AgencyId }).FirstOrDefaultAsync(ct);
            var levels = await LevelsAsync(db, ct);
            var byAction = Enum.GetValues<RecordAction>().ToDictionary(a => a,
                a => roles.Select(r => r == Roles.Administrator ? VisibilityLevel.All : levels.GetValueOrDefault((r, a), VisibilityDefaults.For(r, a)))
                          .DefaultIfEmpty(VisibilityLevel.None).Max());
            profile = new AccessProfile(userId, account.UserName ?? "", roles, subject?.Id, account.AgencyId ?? subject?.AgencyId, account.Disabled, byAction);
        }
        cache[userId] = (profile, now + Lifetime);
        return profile;
    }

    async Task<Dictionary<(string, RecordAction), VisibilityLevel>> LevelsAsync(SchedarioDb db, CancellationToken ct)
    {
        var t = table;
        if (t is not null && tableUntil > clock.GetUtcNow()) return t;
        t = await db.Set<RoleVisibility>().AsNoTracking().ToDictionaryAsync(v => (v.Role, v.Action), v => v.Level, ct);
        table = t;
        tableUntil = clock.GetUtcNow() + Lifetime;
        return t;
    }

    /// <summary>Forget everything cached: a user, subject, agency or visibility level changed.</summary>
    public void Forget()
    {
        cache.Clear();
        table = null;
    }
}
