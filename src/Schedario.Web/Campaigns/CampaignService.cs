using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Shared;

namespace Schedario.Web.Campaigns;

/// <summary>Campaign types, campaigns and the outcome table.</summary>
public sealed class CampaignService(SchedarioDb db, TimeProvider clock)
{
    static readonly string[] DayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    public Task<List<CampaignTypeDto>> ListTypesAsync(CancellationToken ct = default) =>
        db.Set<CampaignType>().AsNoTracking().OrderBy(t => t.Name).Select(t => new CampaignTypeDto(t.Id, t.Code, t.Name)).ToListAsync(ct);

    public async Task<CampaignTypeDto> CreateTypeAsync(CampaignTypeInput input, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var code = input.Code?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(code)) errors.Add("code", "Il codice è obbligatorio.");
        else if (code.Length > 30) errors.Add("code", "Al massimo 30 caratteri.");
        if (string.IsNullOrWhiteSpace(input.Name)) errors.Add("name", "Il nome è obbligatorio.");
        else if (input.Name.Trim().Length > 100) errors.Add("name", "Al massimo 100 caratteri.");
        if (errors.Any) throw new ValidationException(errors);
        if (await db.Set<CampaignType>().AnyAsync(t => t.Code == code, ct)) throw new ConflictException($"Il tipo '{code}' esiste già.", "code");
        var t = new CampaignType { Code = code!, Name = input.Name!.Trim() };
        db.Add(t);
        await db.SaveChangesAsync(ct);
        return new CampaignTypeDto(t.Id, t.Code, t.Name);
    }

    public Task<List<OutcomeDto>> ListOutcomesAsync(bool includeInactive = false, CancellationToken ct = default) =>
        db.Outcomes().AsNoTracking().Where(o => includeInactive || o.Active).OrderBy(o => o.Position).Select(o => ToDto(o)).ToListAsync(ct);

    public async Task<OutcomeDto> CreateOutcomeAsync(OutcomeInput input, CancellationToken ct = default)
    {
        var outcome = new Outcome { Position = (await db.Outcomes().MaxAsync(o => (int?)o.Position, ct) ?? 0) + 1 };
        await ApplyOutcomeAsync(outcome, input, ct);
        db.Add(outcome);
        await db.SaveChangesAsync(ct);
        return ToDto(outcome);
    }

    public async Task<OutcomeDto> UpdateOutcomeAsync(int id, OutcomeInput input, CancellationToken ct = default)
    {
        var outcome = await db.Outcomes().FirstOrDefaultAsync(o => o.Id == id, ct) ?? throw new NotFoundException("Esito non trovato.");
        await ApplyOutcomeAsync(outcome, input, ct);
        await db.SaveChangesAsync(ct);
        return ToDto(outcome);
    }

    /// <summary>Validates an outcome (code and shortcut unique among active outcomes) and writes it.</summary>
    async Task ApplyOutcomeAsync(Outcome outcome, OutcomeInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var code = input.Code?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(code) || code.Length > 30) errors.Add("code", "Codice obbligatorio, al massimo 30 caratteri.");
        if (string.IsNullOrWhiteSpace(input.Description) || input.Description.Trim().Length > 200) errors.Add("description", "Descrizione obbligatoria, al massimo 200 caratteri.");
        if (!Enum.TryParse<OutcomeCategory>(input.Category, ignoreCase: true, out var category) || input.Category!.All(char.IsDigit))
            errors.Add("category", "Categoria: toCall, callback, positiveClosed, negativeClosed, technicalRetry, unworkable o doNotCall.");
        var shortcut = string.IsNullOrWhiteSpace(input.Shortcut) ? null : input.Shortcut.Trim().ToUpperInvariant();
        if (shortcut is not null && (shortcut.Length != 1 || !char.IsLetterOrDigit(shortcut[0]))) errors.Add("shortcut", "Scorciatoia: un solo tasto, cifra o lettera.");
        if (input.RetryDelayMinutes is < 0 or > 60 * 24 * 30) errors.Add("retryDelayMinutes", "Ritardo tra 0 e 43200 minuti (30 giorni).");
        var active = input.Active ?? true;
        if (shortcut is not null && active && await db.Outcomes().AnyAsync(o => o.Id != outcome.Id && o.Active && o.Shortcut == shortcut, ct))
            errors.Add("shortcut", $"Il tasto {shortcut} è già di un altro esito.");
        if (errors.Any) throw new ValidationException(errors);
        if (await db.Outcomes().AnyAsync(o => o.Id != outcome.Id && o.Code == code, ct))
            throw new ConflictException($"Esiste già un esito con codice '{code}'.", "code");
        outcome.Code = code!;
        outcome.Description = input.Description!.Trim();
        outcome.Category = category;
        outcome.PersonReached = input.PersonReached;
        outcome.Adhesion = input.Adhesion;
        outcome.Appointment = input.Appointment;
        outcome.ContactPromise = input.ContactPromise;
        outcome.NeedsCallbackTime = input.NeedsCallbackTime || category == OutcomeCategory.Callback;
        outcome.NeedsNote = input.NeedsNote;
        outcome.RetryDelayMinutes = input.RetryDelayMinutes;
        outcome.Shortcut = shortcut;
        outcome.Active = active;
    }

    internal static OutcomeDto ToDto(Outcome o) => new(o.Id, o.Code, o.Description, CategoryName(o.Category), o.PersonReached, o.Adhesion, o.Appointment,
        o.ContactPromise, o.NeedsCallbackTime, o.NeedsNote, o.RetryDelayMinutes, o.Shortcut, o.Active);

    public static string CategoryName(OutcomeCategory c) => char.ToLowerInvariant(c.ToString()[0]) + c.ToString()[1..];
    public static string StateName(EntryState s) => char.ToLowerInvariant(s.ToString()[0]) + s.ToString()[1..];

    public async Task<List<CampaignDto>> ListAsync(bool includeRetired = true, CancellationToken ct = default)
    {
        var q = db.Campaigns().AsNoTracking().Include(c => c.Operators).AsQueryable();
        if (!includeRetired) q = q.Where(c => !c.Retired);
        var types = await db.Set<CampaignType>().AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        return (await q.OrderBy(c => c.Retired).ThenByDescending(c => c.StartDate).ThenBy(c => c.Code).ToListAsync(ct))
            .Select(c => ToDto(c, types.GetValueOrDefault(c.TypeId))).ToList();
    }

    /// <summary>The campaigns a user may work on the desk: not retired, and open to everyone or listing the user.</summary>
    public async Task<List<CampaignDto>> WorkableAsync(string userId, CancellationToken ct = default) =>
        (await ListAsync(false, ct)).Where(c => c.OperatorIds.Count == 0 || c.OperatorIds.Contains(userId)).ToList();

    public async Task<CampaignDto> GetAsync(int id, CancellationToken ct = default)
    {
        var c = await db.Campaigns().AsNoTracking().Include(x => x.Operators).FirstOrDefaultAsync(x => x.Id == id, ct)
                ?? throw new NotFoundException("Campagna non trovata.");
        var type = await db.Set<CampaignType>().Where(t => t.Id == c.TypeId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        return ToDto(c, type);
    }

    public async Task<CampaignDto> CreateAsync(CampaignInput input, string user, CancellationToken ct = default)
    {
        var c = new Campaign { CreatedAt = clock.GetUtcNow().UtcDateTime, CreatedBy = user };
        await ApplyAsync(c, input, isNew: true, ct);
        db.Add(c);
        await db.SaveChangesAsync(ct);
        return await GetAsync(c.Id, ct);
    }

    public async Task<CampaignDto> UpdateAsync(int id, CampaignInput input, CancellationToken ct = default)
    {
        var c = await db.Campaigns().Include(x => x.Operators).FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("Campagna non trovata.");
        if (input.Version is null) throw new ValidationException(new FieldErrors().Add("version", "Indicare la versione letta."));
        if (input.Version != c.Version) throw new ConcurrencyException("La campagna è stata modificata da un altro utente: ricaricarla.");
        await ApplyAsync(c, input, isNew: false, ct);
        c.Version++;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new ConcurrencyException("La campagna è stata modificata da un altro utente: ricaricarla."); }
        return await GetAsync(id, ct);
    }

    /// <summary>Retiring stops the campaign being served; its entries and calls stay for the figures.</summary>
    public async Task<CampaignDto> SetRetiredAsync(int id, bool retired, CancellationToken ct = default)
    {
        var n = await db.Campaigns().Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Retired, retired).SetProperty(c => c.Version, c => c.Version + 1), ct);
        if (n == 0) throw new NotFoundException("Campagna non trovata.");
        return await GetAsync(id, ct);
    }

    async Task ApplyAsync(Campaign c, CampaignInput input, bool isNew, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var code = input.Code?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(code)) errors.Add("code", "Il codice è obbligatorio.");
        else if (code.Length > 30) errors.Add("code", "Al massimo 30 caratteri.");
        if (string.IsNullOrWhiteSpace(input.Name)) errors.Add("name", "Il nome è obbligatorio.");
        else if (input.Name.Trim().Length > 150) errors.Add("name", "Al massimo 150 caratteri.");
        if (input.TypeId is null) errors.Add("typeId", "Il tipo è obbligatorio.");
        else if (!await db.Set<CampaignType>().AnyAsync(t => t.Id == input.TypeId, ct)) errors.Add("typeId", "Tipo di campagna sconosciuto.");
        if (input.StartDate is null) errors.Add("startDate", "La data di inizio è obbligatoria.");
        if (input.EndDate is null) errors.Add("endDate", "La data di fine è obbligatoria.");
        if (input.StartDate > input.EndDate) errors.Add("endDate", "La data di fine precede quella di inizio.");
        if (input.Description is { Length: > 2000 }) errors.Add("description", "Al massimo 2000 caratteri.");
        var days = CallingDays.None;
        foreach (var d in input.CallingDays ?? [])
        {
            var i = Array.IndexOf(DayNames, d.Trim().ToLowerInvariant());
            if (i < 0) errors.Add("callingDays", $"Giorno sconosciuto: '{d}'.");
            else days |= (CallingDays)(1 << i);
        }
        if (input.CallingDays is null) days = CallingDays.Weekdays;
        if ((input.CallFrom is null) != (input.CallTo is null)) errors.Add("callTo", "Indicare entrambi gli orari o nessuno.");
        else if (input.CallFrom >= input.CallTo) errors.Add("callTo", "L'orario di fine precede quello di inizio.");
        if (input.MaxAttempts is < 0 or > 100) errors.Add("maxAttempts", "Tra 0 (nessun limite) e 100.");
        if (input.RetryToCallMinutes is < 0 or > 525600) errors.Add("retryToCallMinutes", "Tra 0 e 525600 minuti.");
        if (input.RetryTechnicalMinutes is < 0 or > 525600) errors.Add("retryTechnicalMinutes", "Tra 0 e 525600 minuti.");
        var operators = (input.OperatorIds ?? []).Where(o => !string.IsNullOrWhiteSpace(o)).Distinct().ToList();
        if (operators.Count > 0)
        {
            var known = await db.Set<AppUser>().Where(u => operators.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
            foreach (var o in operators.Except(known)) errors.Add("operatorIds", $"Utente sconosciuto: '{o}'.");
        }
        var dialing = input.Dialing;
        CallCenter.Dialer.DialMode mode = c.DialMode;
        CallCenter.Dialer.AbandonWindow window = c.AbandonWindow;
        if (dialing is not null)
        {
            if (dialing.Mode is not null && !TryParseName(dialing.Mode, out mode)) errors.Add("dialing.mode", "Modalità: preview, power o predictive.");
            if (dialing.AbandonWindow is not null && !TryParseName(dialing.AbandonWindow, out window))
                errors.Add("dialing.abandonWindow", "Finestra: day, rolling24h, days30 o campaign.");
            if (dialing.LinesPerOperator is < 1 or > 5 || dialing.LinesPerOperator is double.NaN) errors.Add("dialing.linesPerOperator", "Linee per operatore tra 1 e 5.");
            if (dialing.AbandonLimitPercent is < 0.1 or > 3 || dialing.AbandonLimitPercent is double.NaN)
                errors.Add("dialing.abandonLimitPercent", "Limite di chiamate abbandonate tra 0,1% e 3%.");
            if (dialing.AbandonAfterSeconds is < 1 or > 10) errors.Add("dialing.abandonAfterSeconds", "Attesa massima dell'operatore tra 1 e 10 secondi.");
            if (dialing.AbandonLockoutHours is < 0 or > 720) errors.Add("dialing.abandonLockoutHours", "Blocco dopo un abbandono tra 0 e 720 ore.");
            if (dialing.HangUpAfterSeconds is { } hangUp && hangUp != 0 && (hangUp < CallCenter.Dialer.DialerRules.MinHangUpAfterSeconds || hangUp > CallCenter.Dialer.DialerRules.MaxHangUpAfterSeconds))
                errors.Add("dialing.hangUpAfterSeconds", $"Squillo minimo prima di riagganciare: 0 (mai) oppure tra {CallCenter.Dialer.DialerRules.MinHangUpAfterSeconds} e {CallCenter.Dialer.DialerRules.MaxHangUpAfterSeconds} secondi.");
            if (dialing.AbandonMessage is { } m && (string.IsNullOrWhiteSpace(m) || m.Trim().Length > 500))
                errors.Add("dialing.abandonMessage", "Messaggio obbligatorio, al massimo 500 caratteri.");
        }
        if (c.DialerActive && mode == CallCenter.Dialer.DialMode.Preview)
            errors.Add("dialing.mode", "Fermare la composizione automatica prima di passare alla modalità anteprima.");
        if (errors.Any) throw new ValidationException(errors);
        if (await db.Campaigns().AnyAsync(x => x.Code == code && x.Id != c.Id, ct)) throw new ConflictException($"Il codice '{code}' è già usato da un'altra campagna.", "code");

        c.Code = code!;
        c.Name = input.Name!.Trim();
        c.TypeId = input.TypeId!.Value;
        c.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        c.StartDate = input.StartDate!.Value;
        c.EndDate = input.EndDate!.Value;
        c.Retired = !isNew && input.Retired;
        c.PortfolioTypeId = input.PortfolioTypeId;
        c.AutoContactPromise = input.AutoContactPromise;
        c.CallingDays = days;
        c.CallFrom = input.CallFrom;
        c.CallTo = input.CallTo;
        c.MaxAttempts = input.MaxAttempts ?? 5;
        c.RetryToCallMinutes = input.RetryToCallMinutes ?? 60;
        c.RetryTechnicalMinutes = input.RetryTechnicalMinutes ?? 30;
        c.DialMode = mode;
        c.AbandonWindow = window;
        if (dialing?.LinesPerOperator is { } lines) c.LinesPerOperator = lines;
        if (dialing?.AbandonLimitPercent is { } limit) c.AbandonLimitPercent = limit;
        if (dialing?.AbandonAfterSeconds is { } after) c.AbandonAfterSeconds = after;
        if (dialing?.AbandonLockoutHours is { } lockout) c.AbandonLockoutHours = lockout;
        if (dialing?.HangUpAfterSeconds is { } hangUpAfter) c.HangUpAfterSeconds = hangUpAfter;
        if (dialing?.AbandonMessage is { } message) c.AbandonMessage = message.Trim();
        c.Operators.RemoveAll(o => !operators.Contains(o.UserId));
        foreach (var o in operators.Where(o => c.Operators.All(x => x.UserId != o))) c.Operators.Add(new CampaignOperator { CampaignId = c.Id, UserId = o });
    }

    internal static CampaignDto ToDto(Campaign c, string? typeName) => new(c.Id, c.Code, c.Name, c.TypeId, typeName, c.Description, c.StartDate, c.EndDate,
        c.Retired, c.PortfolioTypeId, c.AutoContactPromise,
        DayNames.Where((_, i) => c.CallingDays.HasFlag((CallingDays)(1 << i))).ToArray(), c.CallFrom, c.CallTo, c.MaxAttempts,
        c.RetryToCallMinutes, c.RetryTechnicalMinutes, c.Operators.Select(o => o.UserId).OrderBy(x => x).ToList(), c.Version,
        new DialingDto(Camel(c.DialMode.ToString()), c.LinesPerOperator, c.AbandonLimitPercent, c.AbandonAfterSeconds, Camel(c.AbandonWindow.ToString()),
            c.AbandonLockoutHours, c.AbandonMessage, c.DialerActive, c.DialerStartedAt, c.DialerStartedBy, c.HangUpAfterSeconds));

    static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>An enum by its API name (case-insensitive), never by number.</summary>
    static bool TryParseName<T>(string value, out T result) where T : struct, Enum =>
        Enum.TryParse(value.Trim(), ignoreCase: true, out result) && !value.Trim().All(char.IsDigit) && Enum.IsDefined(result);

    /// <summary>Users with the operator role (for pickers: distribution, allowed operators, reassignment).</summary>
    public async Task<List<UserRef>> OperatorsAsync(CancellationToken ct = default)
    {
        var roleId = await db.Set<IdentityRole>().Where(r => r.Name == Roles.Operator).Select(r => r.Id).FirstOrDefaultAsync(ct);
        var ids = db.Set<IdentityUserRole<string>>().Where(r => r.RoleId == roleId).Select(r => r.UserId);
        return await db.Set<AppUser>().Where(u => ids.Contains(u.Id) && !u.Disabled).OrderBy(u => u.UserName)
            .Select(u => new UserRef(u.Id, u.UserName ?? "", u.DisplayName)).ToListAsync(ct);
    }
}

public sealed record UserRef(string Id, string UserName, string DisplayName);
