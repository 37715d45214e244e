using Microsoft.EntityFrameworkCore;
using Schedario.Web.Audit;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Shared;

namespace Schedario.Web.Access;

/// <summary>GET and PUT /api/v1/roles/{role}/visibility: { "read": "all", "edit": "own", ... }.</summary>
public sealed record RoleVisibilityDto(string Role, string Read, string Edit, string Delete, string Export, string MassUpdate);

public sealed class VisibilityService(SchedarioDb db, AccessProfiles profiles, AuditLog audit)
{
    public async Task<RoleVisibilityDto> GetAsync(string role, CancellationToken ct = default)
    {
        var name = Known(role);
        var stored = await db.Set<RoleVisibility>().AsNoTracking().Where(v => v.Role == name).ToDictionaryAsync(v => v.Action, v => v.Level, ct);
        string Level(RecordAction a) => Wire(name == Roles.Administrator ? VisibilityLevel.All : stored.GetValueOrDefault(a, VisibilityDefaults.For(name, a)));
        return new RoleVisibilityDto(name, Level(RecordAction.Read), Level(RecordAction.Edit), Level(RecordAction.Delete), Level(RecordAction.Export), Level(RecordAction.MassUpdate));
    }

    public async Task<RoleVisibilityDto> SetAsync(string role, Dictionary<string, string?> input, CancellationToken ct = default)
    {
        var name = Known(role);
        var errors = new FieldErrors();
        var levels = new Dictionary<RecordAction, VisibilityLevel>();
        foreach (var (key, value) in input)
        {
            if (!TryAction(key, out var action)) { errors.Add(key, $"Azione sconosciuta: '{key}' (read, edit, delete, export, massUpdate)."); continue; }
            if (!Enum.TryParse<VisibilityLevel>(value, true, out var level) || value!.All(char.IsDigit))
                errors.Add(key, $"Livello sconosciuto: '{value}' (all, agency, own, none).");
            else levels[action] = level;
        }
        if (name == Roles.Administrator && levels.Values.Any(l => l != VisibilityLevel.All))
            errors.Add("role", "L'amministratore vede e gestisce sempre tutte le anagrafiche.");
        if (errors.Any) throw new ValidationException(errors);

        var before = await GetAsync(name, ct);
        var rows = await db.Set<RoleVisibility>().Where(v => v.Role == name).ToListAsync(ct);
        foreach (var (action, level) in levels)
        {
            var row = rows.FirstOrDefault(r => r.Action == action);
            if (row is null) db.Add(new RoleVisibility { Role = name, Action = action, Level = level });
            else row.Level = level;
        }
        await db.SaveChangesAsync(ct);
        var after = await GetAsync(name, ct);
        if (before != after)
            audit.Add(AuditActions.Permission, "role", name, field: "visibility", oldValue: Describe(before), newValue: Describe(after));
        await db.SaveChangesAsync(ct);
        profiles.Forget();
        return after;
    }

    static string Describe(RoleVisibilityDto v) => $"read={v.Read} edit={v.Edit} delete={v.Delete} export={v.Export} massUpdate={v.MassUpdate}";

    static string Known(string role) =>
        Roles.All.FirstOrDefault(r => r.Equals(role, StringComparison.OrdinalIgnoreCase))
        ?? throw new ValidationException(new FieldErrors().Add("role", $"Ruolo sconosciuto: '{role}'. Ruoli: {string.Join(", ", Roles.All)}."));

    static bool TryAction(string key, out RecordAction action) => Enum.TryParse(key, true, out action) && !key.All(char.IsDigit);

    public static string Wire(VisibilityLevel level) => level.ToString().ToLowerInvariant();
}
