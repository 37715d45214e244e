using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Access;
using Schedario.Web.Data;
using Schedario.Web.Shared;

namespace Schedario.Web.Registry;

public sealed record CharacteristicDto(int Id, string Code, string Description, string Category, bool Active);
public sealed record CharacteristicInput(string? Code, string? Description, string? Category, bool? Active);
public sealed record AssignCharacteristicInput(int? CharacteristicId, string? Code, DateOnly? Date, string? Note);
public sealed record RemovalPreview(int CharacteristicId, string Code, int Records, int Assignments);

/// <summary>Characteristic definitions (seed 001) and their assignment to records.</summary>
public sealed partial class CharacteristicService(SchedarioDb db, RecordGuard guard, Audit.AuditLog audit, TimeProvider clock)
{
    [GeneratedRegex("^[A-Z0-9_]{1,30}$")]
    private static partial Regex CodePattern();

    public Task<List<CharacteristicDto>> ListAsync(bool includeRetired = true, CancellationToken ct = default) =>
        db.Set<CharacteristicDefinition>().AsNoTracking()
            .Where(d => includeRetired || d.Active)
            .OrderBy(d => d.Category).ThenBy(d => d.Code)
            .Select(d => new CharacteristicDto(d.Id, d.Code, d.Description, d.Category, d.Active))
            .ToListAsync(ct);

    public async Task<CharacteristicDto> CreateAsync(CharacteristicInput input, CancellationToken ct = default)
    {
        var code = input.Code?.Trim().ToUpperInvariant() ?? "";
        var errors = Validate(input, code);
        if (errors.Any) throw new ValidationException(errors);
        if (await db.Set<CharacteristicDefinition>().AnyAsync(d => d.Code == code, ct))
            throw new ConflictException($"Esiste già una caratteristica con codice '{code}'.", "code");
        var def = new CharacteristicDefinition { Code = code, Description = input.Description!.Trim(), Category = input.Category?.Trim() ?? "", Active = input.Active ?? true };
        db.Add(def);
        await db.SaveChangesAsync(ct);
        return new CharacteristicDto(def.Id, def.Code, def.Description, def.Category, def.Active);
    }

    public async Task<CharacteristicDto> UpdateAsync(int id, CharacteristicInput input, CancellationToken ct = default)
    {
        var def = await db.Set<CharacteristicDefinition>().FirstOrDefaultAsync(d => d.Id == id, ct)
                  ?? throw new NotFoundException("Caratteristica non trovata.");
        var code = string.IsNullOrWhiteSpace(input.Code) ? def.Code : input.Code.Trim().ToUpperInvariant();
        var errors = Validate(input with { Description = input.Description ?? def.Description }, code);
        if (errors.Any) throw new ValidationException(errors);
        if (code != def.Code && await db.Set<CharacteristicDefinition>().AnyAsync(d => d.Code == code, ct))
            throw new ConflictException($"Esiste già una caratteristica con codice '{code}'.", "code");
        def.Code = code;
        def.Description = (input.Description ?? def.Description).Trim();
        def.Category = input.Category?.Trim() ?? def.Category;
        def.Active = input.Active ?? def.Active;
        await db.SaveChangesAsync(ct);
        return new CharacteristicDto(def.Id, def.Code, def.Description, def.Category, def.Active);
    }

    static FieldErrors Validate(CharacteristicInput input, string code)
    {
        var errors = new FieldErrors();
        if (!CodePattern().IsMatch(code)) errors.Add("code", "Codice obbligatorio: lettere, cifre o _ (al massimo 30).");
        if (string.IsNullOrWhiteSpace(input.Description)) errors.Add("description", "La descrizione è obbligatoria.");
        else if (input.Description.Trim().Length > 200) errors.Add("description", "Al massimo 200 caratteri.");
        if (input.Category is { Length: > 60 }) errors.Add("category", "Al massimo 60 caratteri.");
        return errors;
    }

    /// <summary>
    /// Gives a record a characteristic with the date the fact was learned. Assigning it again
    /// with another date adds to its history; the same date updates the note.
    /// </summary>
    public async Task<CustomerCharacteristicDto> AssignAsync(Guid customerId, AssignCharacteristicInput input, string user, CancellationToken ct = default)
    {
        await guard.EnsureAsync(RecordAction.Edit, customerId, ct);
        var errors = new FieldErrors();
        CharacteristicDefinition? def = null;
        if (input.CharacteristicId is { } id) def = await db.Set<CharacteristicDefinition>().FirstOrDefaultAsync(d => d.Id == id, ct);
        else if (!string.IsNullOrWhiteSpace(input.Code))
        {
            var code = input.Code.Trim().ToUpperInvariant();
            def = await db.Set<CharacteristicDefinition>().FirstOrDefaultAsync(d => d.Code == code, ct);
        }
        else errors.Add("characteristicId", "Indicare la caratteristica (characteristicId o code).");
        if (def is null && !errors.Any) errors.Add(input.CharacteristicId is null ? "code" : "characteristicId", "Caratteristica sconosciuta.");
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var date = input.Date ?? today;
        if (date > today) errors.Add("date", "La data non può essere futura: è il giorno in cui l'informazione è stata raccolta.");
        if (input.Note is { Length: > 500 }) errors.Add("note", "Al massimo 500 caratteri.");
        if (errors.Any) throw new ValidationException(errors);
        if (!def!.Active)
            throw new RuleException($"La caratteristica '{def.Code}' è dismessa: non si può assegnare di nuovo.", "characteristic-retired");

        var existing = await db.Set<CustomerCharacteristic>()
            .FirstOrDefaultAsync(x => x.CustomerId == customerId && x.CharacteristicId == def.Id && x.Date == date, ct);
        if (existing is null)
        {
            existing = new CustomerCharacteristic { CustomerId = customerId, CharacteristicId = def.Id, Date = date };
            db.Add(existing);
        }
        existing.Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        existing.RecordedAt = clock.GetUtcNow().UtcDateTime;
        existing.RecordedBy = user;
        await db.SaveChangesAsync(ct);
        var isCurrent = !await db.Set<CustomerCharacteristic>().AnyAsync(x => x.CustomerId == customerId && x.CharacteristicId == def.Id && x.Date > date, ct);
        return new CustomerCharacteristicDto(existing.Id, def.Id, def.Code, def.Description, def.Category, date, existing.Note, isCurrent);
    }

    /// <summary>Removes a characteristic (with its history) from one record.</summary>
    public async Task RemoveAsync(Guid customerId, int characteristicId, CancellationToken ct = default)
    {
        await guard.EnsureAsync(RecordAction.Edit, customerId, ct);
        var removed = await db.Set<CustomerCharacteristic>()
            .Where(x => x.CustomerId == customerId && x.CharacteristicId == characteristicId).ExecuteDeleteAsync(ct);
        if (removed == 0) throw new NotFoundException("L'anagrafica non ha questa caratteristica.");
        await audit.WriteAsync(Audit.AuditActions.Update, "customer", customerId.ToString(), customerId, $"caratteristica {characteristicId} rimossa con la sua storia", ct: ct);
    }

    /// <summary>How many records a removal from the whole registry would touch (shown before it runs).</summary>
    public async Task<RemovalPreview> PreviewRemovalAsync(int characteristicId, CancellationToken ct = default)
    {
        var def = await db.Set<CharacteristicDefinition>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == characteristicId, ct)
                  ?? throw new NotFoundException("Caratteristica non trovata.");
        var rows = db.Set<CustomerCharacteristic>().Where(x => x.CharacteristicId == characteristicId);
        return new RemovalPreview(def.Id, def.Code, await rows.Select(x => x.CustomerId).Distinct().CountAsync(ct), await rows.CountAsync(ct));
    }

    /// <summary>Maintenance: removes the characteristic from every record in one statement.</summary>
    public async Task<RemovalPreview> RemoveEverywhereAsync(int characteristicId, CancellationToken ct = default)
    {
        var preview = await PreviewRemovalAsync(characteristicId, ct);
        await db.Set<CustomerCharacteristic>().Where(x => x.CharacteristicId == characteristicId).ExecuteDeleteAsync(ct);
        return preview;
    }
}
