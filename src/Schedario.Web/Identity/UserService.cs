using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Access;
using Schedario.Web.Audit;
using Schedario.Web.Data;
using Schedario.Web.Organization;
using Schedario.Web.Shared;

namespace Schedario.Web.Identity;

public sealed record UserDto(string Id, string UserName, string DisplayName, List<string> Roles, int? SubjectId, int? AgencyId, bool Disabled);

/// <summary>POST and PUT /api/v1/users. <see cref="Password"/> is required on create and ignored on update.</summary>
public sealed record UserInput
{
    public string? UserName { get; init; }
    public string? DisplayName { get; init; }
    public List<string>? Roles { get; init; }
    public int? SubjectId { get; init; }
    public int? AgencyId { get; init; }
    public bool? Disabled { get; init; }
    public string? Password { get; init; }
}

public sealed record PasswordInput(string? Password);
public sealed record ChangePasswordInput(string? CurrentPassword, string? NewPassword);

/// <summary>User administration: accounts, roles, their subject and agency, disabling, passwords.</summary>
public sealed class UserService(SchedarioDb db, UserManager<AppUser> users, AccessProfiles profiles, AuditLog audit)
{
    public async Task<List<UserDto>> ListAsync(CancellationToken ct = default)
    {
        var accounts = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name }).ToListAsync(ct);
        var subjects = await db.Set<Subject>().AsNoTracking().Where(s => s.UserId != null).Select(s => new { s.UserId, s.Id }).ToListAsync(ct);
        return accounts.Select(u => new UserDto(u.Id, u.UserName ?? "", u.DisplayName,
                roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order().ToList(),
                subjects.FirstOrDefault(s => s.UserId == u.Id)?.Id, u.AgencyId, u.Disabled))
            .ToList();
    }

    public async Task<UserDto> GetAsync(string id, CancellationToken ct = default) =>
        (await ListAsync(ct)).FirstOrDefault(u => u.Id == id) ?? throw new NotFoundException("Utente non trovato.");

    public async Task<UserDto> CreateAsync(UserInput input, CancellationToken ct = default)
    {
        var errors = await ValidateAsync(input, null, ct);
        if (string.IsNullOrEmpty(input.Password)) errors.Add("password", "La password è obbligatoria.");
        else await CheckPasswordAsync(input.Password, errors);
        if (errors.Any) throw new ValidationException(errors);

        var user = new AppUser { UserName = input.UserName!.Trim(), DisplayName = input.DisplayName?.Trim() ?? "", AgencyId = input.AgencyId, Disabled = input.Disabled ?? false };
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            Check(await users.CreateAsync(user, input.Password!));
            Check(await users.AddToRolesAsync(user, Canonical(input.Roles)));
            await LinkSubjectAsync(user.Id, input.SubjectId, ct);
            audit.Add(AuditActions.Permission, "user", user.UserName, details: $"creato con ruoli {string.Join(", ", Canonical(input.Roles))}");
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        profiles.Forget();
        return await GetAsync(user.Id, ct);
    }

    public async Task<UserDto> UpdateAsync(string id, UserInput input, string actingUserId, CancellationToken ct = default)
    {
        var user = await users.FindByIdAsync(id) ?? throw new NotFoundException("Utente non trovato.");
        var errors = await ValidateAsync(input, user, ct);
        if (errors.Any) throw new ValidationException(errors);
        var newRoles = Canonical(input.Roles);
        var oldRoles = (await users.GetRolesAsync(user)).ToList();
        var disable = input.Disabled ?? user.Disabled;
        if (id == actingUserId && disable && !user.Disabled)
            throw new RuleException("Non puoi disattivare il tuo stesso utente.", "self-disable");
        var staysAdmin = newRoles.Contains(Roles.Administrator) && !disable;
        if (oldRoles.Contains(Roles.Administrator) && !user.Disabled && !staysAdmin && await OtherActiveAdministratorsAsync(id, ct) == 0)
            throw new RuleException("È l'ultimo amministratore attivo: prima nominarne un altro.", "last-administrator");

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var changes = new List<string>();
            if (user.UserName != input.UserName!.Trim()) { changes.Add($"nome utente {user.UserName} → {input.UserName.Trim()}"); Check(await users.SetUserNameAsync(user, input.UserName.Trim())); }
            user.DisplayName = input.DisplayName?.Trim() ?? "";
            if (user.AgencyId != input.AgencyId) changes.Add($"agenzia {user.AgencyId} → {input.AgencyId}");
            user.AgencyId = input.AgencyId;
            if (user.Disabled != disable) changes.Add(disable ? "disattivato" : "riattivato");
            user.Disabled = disable;
            Check(await users.UpdateAsync(user));
            var removed = oldRoles.Except(newRoles).ToList();
            var added = newRoles.Except(oldRoles).ToList();
            if (removed.Count > 0) Check(await users.RemoveFromRolesAsync(user, removed));
            if (added.Count > 0) Check(await users.AddToRolesAsync(user, added));
            if (removed.Count + added.Count > 0) changes.Add($"ruoli {string.Join(", ", oldRoles.Order())} → {string.Join(", ", newRoles)}");
            if (disable) Check(await users.UpdateSecurityStampAsync(user));   // the cookie dies at its next check
            var subjectChanged = await LinkSubjectAsync(user.Id, input.SubjectId, ct);
            if (subjectChanged) changes.Add($"soggetto → {input.SubjectId}");
            if (changes.Count > 0) audit.Add(AuditActions.Permission, "user", user.UserName, details: string.Join("; ", changes));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        profiles.Forget();
        return await GetAsync(id, ct);
    }

    public async Task ResetPasswordAsync(string id, PasswordInput input, CancellationToken ct = default)
    {
        var user = await users.FindByIdAsync(id) ?? throw new NotFoundException("Utente non trovato.");
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(input.Password)) errors.Add("password", "La password è obbligatoria.");
        else await CheckPasswordAsync(input.Password, errors, user);
        if (errors.Any) throw new ValidationException(errors);
        Check(await users.RemovePasswordAsync(user));
        Check(await users.AddPasswordAsync(user, input.Password!));
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await audit.WriteAsync(AuditActions.Permission, "user", user.UserName, details: "password reimpostata", ct: ct);
    }

    public async Task ChangeOwnPasswordAsync(string userId, ChangePasswordInput input, CancellationToken ct = default)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new NotFoundException("Utente non trovato.");
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(input.CurrentPassword)) errors.Add("currentPassword", "Indicare la password attuale.");
        if (string.IsNullOrEmpty(input.NewPassword)) errors.Add("newPassword", "Indicare la nuova password.");
        else await CheckPasswordAsync(input.NewPassword, errors, user, "newPassword");
        if (errors.Any) throw new ValidationException(errors);
        var result = await users.ChangePasswordAsync(user, input.CurrentPassword!, input.NewPassword!);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code == "PasswordMismatch"))
                throw new ValidationException(new FieldErrors().Add("currentPassword", "La password attuale non è corretta."));
            Check(result);
        }
        await audit.WriteAsync(AuditActions.Permission, "user", user.UserName, details: "password cambiata dall'utente", ct: ct);
    }

    async Task<FieldErrors> ValidateAsync(UserInput input, AppUser? existing, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = input.UserName?.Trim();
        if (string.IsNullOrEmpty(name)) errors.Add("userName", "Il nome utente è obbligatorio.");
        else if (name.Length > 64 || !name.All(ch => char.IsLetterOrDigit(ch) || ch is '.' or '_' or '-' or '@'))
            errors.Add("userName", "Nome utente: al massimo 64 caratteri tra lettere, cifre e . _ - @.");
        else if (await db.Users.AnyAsync(u => u.NormalizedUserName == name.ToUpperInvariant() && u.Id != (existing == null ? "" : existing.Id), ct))
            errors.Add("userName", $"Il nome utente '{name}' è già in uso.");
        if (input.DisplayName?.Trim().Length > 100) errors.Add("displayName", "Al massimo 100 caratteri.");
        if (input.Roles is null || input.Roles.Count == 0) errors.Add("roles", "Assegnare almeno un ruolo.");
        else
            foreach (var role in input.Roles.Where(r => !Roles.All.Contains(r, StringComparer.OrdinalIgnoreCase)))
                errors.Add("roles", $"Ruolo sconosciuto: '{role}'. Ruoli: {string.Join(", ", Roles.All)}.");
        if (input.AgencyId is not null && !await db.Set<Agency>().AnyAsync(a => a.Id == input.AgencyId, ct))
            errors.Add("agencyId", "Agenzia sconosciuta.");
        if (input.SubjectId is not null)
        {
            var subject = await db.Set<Subject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == input.SubjectId, ct);
            if (subject is null) errors.Add("subjectId", "Soggetto sconosciuto.");
            else if (subject.Kind == SubjectKind.Referrer) errors.Add("subjectId", "Un segnalatore non si collega a un utente: scegliere un agente o un operatore.");
            else if (subject.UserId is not null && subject.UserId != existing?.Id) errors.Add("subjectId", "Il soggetto è già collegato a un altro utente.");
        }
        return errors;
    }

    async Task CheckPasswordAsync(string password, FieldErrors errors, AppUser? user = null, string field = "password")
    {
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user ?? new AppUser(), password);
            foreach (var e in result.Errors) errors.Add(field, PasswordMessage(e));
        }
    }

    static string PasswordMessage(IdentityError e) => e.Code switch
    {
        "PasswordTooShort" => "La password deve avere almeno 10 caratteri.",
        "PasswordRequiresDigit" => "La password deve contenere almeno una cifra.",
        "PasswordRequiresLower" => "La password deve contenere almeno una lettera minuscola.",
        "PasswordRequiresUpper" => "La password deve contenere almeno una lettera maiuscola.",
        _ => e.Description,
    };

    /// <summary>Links the user to a subject (unlinking any other); true when something changed.</summary>
    async Task<bool> LinkSubjectAsync(string userId, int? subjectId, CancellationToken ct)
    {
        var changed = false;
        foreach (var old in await db.Set<Subject>().Where(s => s.UserId == userId && s.Id != subjectId).ToListAsync(ct))
        {
            old.UserId = null;
            changed = true;
        }
        // Save the unlink before the link: the one-subject-per-user index holds at every statement.
        if (changed) await db.SaveChangesAsync(ct);
        if (subjectId is not null)
        {
            var subject = await db.Set<Subject>().FirstAsync(s => s.Id == subjectId, ct);
            if (subject.UserId != userId) { subject.UserId = userId; changed = true; }
        }
        await db.SaveChangesAsync(ct);
        return changed;
    }

    Task<int> OtherActiveAdministratorsAsync(string exceptId, CancellationToken ct) =>
        (from ur in db.UserRoles
         join r in db.Roles on ur.RoleId equals r.Id
         join u in db.Users on ur.UserId equals u.Id
         where r.Name == Roles.Administrator && !u.Disabled && u.Id != exceptId
         select u.Id).CountAsync(ct);

    static List<string> Canonical(List<string>? roles) =>
        (roles ?? []).Select(r => Roles.All.First(x => x.Equals(r, StringComparison.OrdinalIgnoreCase))).Distinct().Order().ToList();

    static void Check(IdentityResult result)
    {
        if (result.Succeeded) return;
        var errors = new FieldErrors();
        foreach (var e in result.Errors)
            errors.Add(e.Code.StartsWith("Password") ? "password" : e.Code.Contains("UserName") ? "userName" : "user", PasswordMessage(e));
        throw new ValidationException(errors);
    }
}
