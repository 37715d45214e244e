using Microsoft.EntityFrameworkCore;
using Schedario.Web.Audit;
using Schedario.Web.Data;
using Schedario.Web.Registry.Normalization;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Compliance;

/// <summary>One row of the do-not-call list: a number and why it is there (optOut, register, manual).</summary>
public sealed record DoNotCallDto(string Number, string Source, DateTime AddedAt, string AddedBy, Guid? CustomerId, string? Note);

/// <summary>A page of the list; <c>page</c> is 1-based.</summary>
public sealed record DoNotCallPage(List<DoNotCallDto> Items, int Page, int PageSize, int Total);

/// <summary>POST body of a manual addition: the number in national or +39 form, and why.</summary>
public sealed record DoNotCallInput(string? Number, string? Note);

/// <summary>
/// The do-not-call list: opt-outs captured on calls, the opposition register's numbers, and numbers
/// an administrator added. Numbers are E.164 (normalised like the registry's phones), one row per
/// number and source, so each source comes and goes on its own.
/// </summary>
public sealed class DoNotCallService(SchedarioDb db, TimeProvider clock, AuditLog audit)
{
    public const int MaxPageSize = 200;

    public static string SourceName(DoNotCallSource s) => s switch
    {
        DoNotCallSource.OptOut => "optOut",
        DoNotCallSource.Register => "register",
        _ => "manual",
    };

    /// <summary>Italian label of a source, for messages.</summary>
    public static string SourceLabel(DoNotCallSource s) => s switch
    {
        DoNotCallSource.OptOut => "opposizione espressa dall'interessato",
        DoNotCallSource.Register => "Registro Pubblico delle Opposizioni",
        _ => "inserito a mano",
    };

    /// <summary>The number in E.164, or null when it is not a valid phone number.</summary>
    public static string? Normalize(string? number) => PhoneNormalizer.TryNormalize(number, out var e164) ? e164 : null;

    /// <summary>
    /// Whether the number is on the list for any source. The number may be E.164 or as typed; one that
    /// is not a valid phone number is not listed (it cannot be dialed either).
    /// </summary>
    public async Task<bool> IsListedAsync(string? number, CancellationToken ct = default) =>
        Normalize(number) is { } e164 && await db.DoNotCall().AnyAsync(d => d.Number == e164, ct);

    /// <summary>The sources a number is listed for (empty when it may be called).</summary>
    public async Task<List<DoNotCallSource>> SourcesAsync(string? number, CancellationToken ct = default) =>
        Normalize(number) is { } e164
            ? await db.DoNotCall().Where(d => d.Number == e164).Select(d => d.Source).ToListAsync(ct)
            : [];

    /// <summary>
    /// Of the given E.164 numbers, those on the list (any source): one query for a batch of
    /// candidates, for the dialer. The numbers must already be E.164.
    /// </summary>
    public async Task<HashSet<string>> ListedAmongAsync(IReadOnlyCollection<string> e164Numbers, CancellationToken ct = default)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in e164Numbers.Distinct().Chunk(500))
            listed.UnionWith(await db.DoNotCall().Where(d => chunk.Contains(d.Number)).Select(d => d.Number).ToListAsync(ct));
        return listed;
    }

    /// <summary>
    /// Puts the numbers on the list as opt-outs and saves. Idempotent: a number already opted out
    /// stays as it was; invalid numbers are skipped. Returns the numbers newly added.
    /// </summary>
    public async Task<List<string>> AddOptOutAsync(IEnumerable<string?> numbers, Guid? customerId, string user, string? note, CancellationToken ct = default)
    {
        var added = await StageOptOutAsync(numbers, customerId, user, note, ct);
        if (added.Count > 0) await db.SaveChangesAsync(ct);
        return added;
    }

    /// <summary>
    /// Adds the opt-out rows (and their audit line) to the context without saving, so the caller's own
    /// save writes them in the same transaction as the change that captured the opt-out.
    /// </summary>
    public async Task<List<string>> StageOptOutAsync(IEnumerable<string?> numbers, Guid? customerId, string user, string? note, CancellationToken ct = default)
    {
        var wanted = numbers.Select(Normalize).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0) return [];
        var existing = await db.DoNotCall().AsNoTracking()
            .Where(d => d.Source == DoNotCallSource.OptOut && wanted.Contains(d.Number)).Select(d => d.Number).ToListAsync(ct);
        // Rows this context already holds (an earlier call in the same unit of work).
        existing.AddRange(db.ChangeTracker.Entries<DoNotCallNumber>().Where(e => e.Entity.Source == DoNotCallSource.OptOut).Select(e => e.Entity.Number));
        var now = clock.GetUtcNow().UtcDateTime;
        var added = wanted.Except(existing, StringComparer.Ordinal).ToList();
        foreach (var number in added)
            db.Add(new DoNotCallNumber { Number = number, Source = DoNotCallSource.OptOut, AddedAt = now, AddedBy = Cut(user, 100), CustomerId = customerId, Note = CutNote(note) });
        if (added.Count > 0)
            audit.Add(AuditActions.Create, "doNotCall", string.Join(",", added), customerId, details: $"Opposizione: {string.Join(", ", added)}{(note is null ? "" : " · " + note)}");
        return added;
    }

    /// <summary>An administrator or supervisor adds a number by hand (409 if it is already there by hand).</summary>
    public async Task<DoNotCallDto> AddManualAsync(DoNotCallInput input, string user, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var number = Normalize(input.Number);
        if (string.IsNullOrWhiteSpace(input.Number)) errors.Add("number", "Indicare il numero.");
        else if (number is null) errors.Add("number", $"Numero di telefono non valido: '{input.Number}'.");
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (note is { Length: > 500 }) errors.Add("note", "Al massimo 500 caratteri.");
        if (errors.Any) throw new ValidationException(errors);
        if (await db.DoNotCall().AnyAsync(d => d.Number == number && d.Source == DoNotCallSource.Manual, ct))
            throw new ConflictException($"Il numero {number} è già nella lista (inserito a mano).", "number");
        var row = new DoNotCallNumber { Number = number!, Source = DoNotCallSource.Manual, AddedAt = clock.GetUtcNow().UtcDateTime, AddedBy = Cut(user, 100), Note = note };
        db.Add(row);
        audit.Add(AuditActions.Create, "doNotCall", number, details: note is null ? "Inserito a mano" : "Inserito a mano · " + note);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { throw new ConflictException($"Il numero {number} è già nella lista (inserito a mano).", "number"); }
        return ToDto(row);
    }

    /// <summary>
    /// Removes a number added by hand. Opt-outs and the register's numbers are not removed here: an
    /// opt-out is the person's will, the register's numbers leave with the next import.
    /// </summary>
    public async Task RemoveManualAsync(string? number, CancellationToken ct = default)
    {
        var e164 = Normalize(number) ?? throw new ValidationException(new FieldErrors().Add("number", $"Numero di telefono non valido: '{number}'."));
        var rows = await db.DoNotCall().Where(d => d.Number == e164).ToListAsync(ct);
        var manual = rows.FirstOrDefault(r => r.Source == DoNotCallSource.Manual);
        if (manual is null)
        {
            if (rows.Count == 0) throw new NotFoundException($"Il numero {e164} non è nella lista.");
            throw new RuleException($"Il numero {e164} è nella lista per {string.Join(" e ", rows.Select(r => SourceLabel(r.Source)))}: qui si tolgono solo i numeri inseriti a mano.",
                "do-not-call-not-manual");
        }
        db.Remove(manual);
        audit.Add(AuditActions.Delete, "doNotCall", e164, details: "Tolto dall'inserimento manuale");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The list, one page at a time, in number order (the primary key's order: no sort of the whole
    /// list). <paramref name="q"/>: a full number finds it exactly; otherwise its digits are searched
    /// anywhere in the numbers. <paramref name="source"/>: optOut, register or manual.
    /// </summary>
    public async Task<DoNotCallPage> ListAsync(string? q, string? source, int? page, int? pageSize, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var p = page ?? 1;
        var size = pageSize ?? 50;
        if (p < 1) errors.Add("page", "La pagina parte da 1.");
        if (size is < 1 or > MaxPageSize) errors.Add("pageSize", $"Da 1 a {MaxPageSize} righe per pagina.");
        DoNotCallSource? src = null;
        if (!string.IsNullOrWhiteSpace(source))
        {
            if (Enum.TryParse<DoNotCallSource>(source.Trim(), ignoreCase: true, out var s) && !source.Trim().All(char.IsDigit)) src = s;
            else errors.Add("source", "Fonte sconosciuta: usare optOut, register o manual.");
        }
        if (errors.Any) throw new ValidationException(errors);

        var query = db.DoNotCall().AsNoTracking();
        if (src is { } only) query = query.Where(d => d.Source == only);
        if (!string.IsNullOrWhiteSpace(q))
        {
            if (Normalize(q) is { } exact) query = query.Where(d => d.Number == exact);
            else
            {
                var digits = new string(q.Where(char.IsDigit).ToArray());
                query = digits.Length == 0 ? query.Where(d => false) : query.Where(d => d.Number.Contains(digits));
            }
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(d => d.Number).ThenBy(d => d.Source).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return new DoNotCallPage(items.Select(ToDto).ToList(), p, size, total);
    }

    public static DoNotCallDto ToDto(DoNotCallNumber d) => new(d.Number, SourceName(d.Source), d.AddedAt, d.AddedBy, d.CustomerId, d.Note);

    static string Cut(string value, int max) => value.Length <= max ? value : value[..max];

    static string? CutNote(string? value) => value is null || value.Length <= 500 ? value : value[..500];
}
