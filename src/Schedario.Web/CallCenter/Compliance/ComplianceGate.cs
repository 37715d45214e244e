using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Settings;

namespace Schedario.Web.CallCenter.Compliance;

/// <summary>Where the opposition register's check stands: the last import, the limit, and whether dialing may start.</summary>
public sealed record RegisterGateStatus(DateTime? LastCheckAt, int MaxAgeDays, bool Stale, string? Message);

/// <summary>
/// The start gate of automatic dialing: no campaign is dialed when the Registro Pubblico delle
/// Opposizioni was never checked or its last check is older than RPODAYS days. The dialer asks
/// before starting a campaign and on every tick, so the answer is cached for a few seconds per node
/// (like <see cref="SettingsCache"/>); an import on this node refreshes it at once.
/// </summary>
public sealed class ComplianceGate(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan CacheLifetime = SettingsCache.Lifetime;
    public const string StaleRule = "opposition-register-stale";

    // The last check's date and the setting, read together; the staleness is worked out on every call
    // from the clock, so the cache never hides a check that went stale meanwhile.
    volatile Snapshot? _snapshot;
    readonly SemaphoreSlim _reading = new(1, 1);

    sealed record Snapshot(DateTime? LastCheckAt, int MaxAgeDays, DateTime ReadAt);

    /// <summary>Null when dialing may go on; otherwise why not, in Italian (for the wallboard and the supervisor).</summary>
    public async Task<string?> CheckRegisterAsync(CancellationToken ct = default) => (await StatusAsync(ct)).Message;

    public async Task<RegisterGateStatus> StatusAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var s = _snapshot;
        if (s is null || now - s.ReadAt >= CacheLifetime || now < s.ReadAt)
        {
            await _reading.WaitAsync(ct);
            try
            {
                s = _snapshot;
                if (s is null || now - s.ReadAt >= CacheLifetime || now < s.ReadAt)
                    _snapshot = s = await ReadAsync(now, ct);
            }
            finally { _reading.Release(); }
        }
        return Evaluate(s.LastCheckAt, s.MaxAgeDays, now);
    }

    /// <summary>Forget the cached answer (after an import, or when RPODAYS changed here).</summary>
    public void Refresh() => _snapshot = null;

    /// <summary>The rule itself: stale when never checked, or checked more than <paramref name="maxAgeDays"/> days before <paramref name="now"/>.</summary>
    public static RegisterGateStatus Evaluate(DateTime? lastCheckAt, int maxAgeDays, DateTime now)
    {
        if (lastCheckAt is not { } last)
            return new(null, maxAgeDays, true,
                "Il Registro Pubblico delle Opposizioni non è mai stato controllato: importare la lista del registro prima di avviare la composizione automatica.");
        var age = now - last;
        if (age > TimeSpan.FromDays(maxAgeDays))
            return new(last, maxAgeDays, true,
                $"L'ultimo controllo del Registro Pubblico delle Opposizioni è del {Shared.Format.Date(last)} ({(int)age.TotalDays} giorni fa), oltre i {maxAgeDays} giorni ammessi (parametro RPODAYS): importare la lista aggiornata del registro.");
        return new(last, maxAgeDays, false, null);
    }

    async Task<Snapshot> ReadAsync(DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        var settings = scope.ServiceProvider.GetRequiredService<SettingsService>();
        var last = await db.OppositionRegisterChecks().OrderByDescending(c => c.CheckedAt).Select(c => (DateTime?)c.CheckedAt).FirstOrDefaultAsync(ct);
        int maxAge;
        try { maxAge = await settings.GetIntAsync(SettingCodes.OppositionRegisterMaxAgeDays, ct); }
        catch (Shared.NotFoundException) { maxAge = 15; }
        return new Snapshot(last, maxAge, now);
    }
}
