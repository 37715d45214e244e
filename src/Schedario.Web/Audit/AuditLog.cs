using Schedario.Web.Access;
using Schedario.Web.Data;

namespace Schedario.Web.Audit;

/// <summary>
/// Writes audit entries. <see cref="Add"/> queues an entry on the context so it is saved in the same
/// transaction as the change it describes; <see cref="WriteAsync"/> saves at once (logins, exports).
/// Field-level changes of registry records are written by <see cref="AuditInterceptor"/> without any
/// call from the services.
/// </summary>
public sealed class AuditLog(SchedarioDb db, TimeProvider clock)
{
    public const int MaxValue = 2000;

    public AuditEntry Add(string action, string entityType, string? entityId, Guid? customerId = null,
        string? field = null, string? oldValue = null, string? newValue = null, string? details = null)
    {
        var entry = Create(clock, action, entityType, entityId, customerId, field, oldValue, newValue, details);
        db.Add(entry);
        return entry;
    }

    public async Task WriteAsync(string action, string entityType, string? entityId, Guid? customerId = null, string? details = null,
        string? userName = null, CancellationToken ct = default)
    {
        var entry = Add(action, entityType, entityId, customerId, details: details);
        if (userName is not null) entry.UserName = userName.Length > 256 ? userName[..256] : userName;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A login or a failed one; the request is anonymous, so the name comes from the form.</summary>
    public Task LoginAsync(string? userName, bool succeeded, string how) =>
        WriteAsync(succeeded ? AuditActions.Login : AuditActions.LoginFailed, "user", userName?.Trim(), details: how,
            userName: string.IsNullOrWhiteSpace(userName) ? "(vuoto)" : userName.Trim());

    internal static AuditEntry Create(TimeProvider clock, string action, string entityType, string? entityId, Guid? customerId,
        string? field, string? oldValue, string? newValue, string? details)
    {
        var who = AmbientAccess.Current;
        return new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            UserId = string.IsNullOrEmpty(who?.UserId) ? null : who.UserId,
            UserName = string.IsNullOrEmpty(who?.UserName) ? "sistema" : who.UserName,
            Address = AmbientAccess.ClientAddress,
            Action = action,
            EntityType = entityType,
            EntityId = Cut(entityId, 100),
            CustomerId = customerId,
            Field = Cut(field, 100),
            OldValue = Cut(oldValue, MaxValue),
            NewValue = Cut(newValue, MaxValue),
            Details = Cut(details, MaxValue),
        };
    }

    static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..(max - 1)] + "…";
}
