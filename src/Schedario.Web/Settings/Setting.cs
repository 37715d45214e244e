using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Schedario.Web.Identity;
using Schedario.Web.Shared;

namespace Schedario.Web.Settings;

public enum SettingType { Int, Bool, Text }

/// <summary>
/// A typed system parameter (seed "parametri"). The seed's codes (CC0028, CI0036) are the keys,
/// so a supervisor who knows the old product finds them where the help pages say.
/// </summary>
public sealed class Setting
{
    public string Code { get; set; } = "";
    public SettingType Type { get; set; }
    public string Value { get; set; } = "";
    public string Description { get; set; } = "";
    public int? Min { get; set; }
    public int? Max { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}

public static class SettingCodes
{
    /// <summary>Future campaigns shown in the contact-promise picker; ≤ 0 disables the status (seed 002).</summary>
    public const string FutureCampaignsForPromise = "CC0028";
    /// <summary>Inbound closing shows the caller's outbound situation (seed 003).</summary>
    public const string InboundShowsOutbound = "CI0036";
    /// <summary>How many last contacts a call screen shows.</summary>
    public const string LastContacts = "LASTCONTACTS";
    /// <summary>Seconds a ringing inbound call waits for the offered operator before it goes to the next one.</summary>
    public const string InboundOfferSeconds = "CI0040";
    /// <summary>SMTP server for mail sent from the call screens (the password comes from configuration, Mail:Password).</summary>
    public const string SmtpHost = "SMTPHOST";
    public const string SmtpPort = "SMTPPORT";
    /// <summary>none, starttls or ssl.</summary>
    public const string SmtpSecurity = "SMTPSECURITY";
    public const string SmtpUser = "SMTPUSER";
    public const string MailFrom = "MAILFROM";
    public const string MailFromName = "MAILFROMNAME";
    /// <summary>Days after the last check of the Registro Pubblico delle Opposizioni beyond which no campaign may start dialing.</summary>
    public const string OppositionRegisterMaxAgeDays = "RPODAYS";
}

sealed class SettingConfiguration : IEntityTypeConfiguration<Setting>
{
    static readonly DateTime Seeded = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public void Configure(EntityTypeBuilder<Setting> b)
    {
        b.ToTable("settings");
        b.HasKey(s => s.Code);
        b.Property(s => s.Code).HasMaxLength(40);
        b.Property(s => s.Type).HasConversion<string>().HasMaxLength(8);
        b.Property(s => s.Value).HasMaxLength(400);
        b.Property(s => s.Description).HasMaxLength(400);
        b.Property(s => s.UpdatedBy).HasMaxLength(100);
        b.HasData(
            new Setting { Code = SettingCodes.FutureCampaignsForPromise, Type = SettingType.Int, Value = "5", Min = 0, Max = 100, UpdatedAt = Seeded, UpdatedBy = "sistema",
                Description = "Numero di campagne future mostrate per la promessa contatto (0 = promessa contatto non utilizzabile)." },
            new Setting { Code = SettingCodes.InboundShowsOutbound, Type = SettingType.Bool, Value = "false", UpdatedAt = Seeded, UpdatedBy = "sistema",
                Description = "In chiusura della chiamata inbound mostra la situazione outbound del chiamante." },
            new Setting { Code = SettingCodes.LastContacts, Type = SettingType.Int, Value = "3", Min = 0, Max = 50, UpdatedAt = Seeded, UpdatedBy = "sistema",
                Description = "Numero di ultimi contatti mostrati nelle schermate di chiamata." },
            new Setting { Code = SettingCodes.InboundOfferSeconds, Type = SettingType.Int, Value = "20", Min = 5, Max = 120, UpdatedAt = Seeded, UpdatedBy = "sistema",
                Description = "Secondi in cui una chiamata inbound offerta a un operatore attende la risposta prima di passare al successivo." },
            new Setting { Code = SettingCodes.SmtpHost, Type = SettingType.Text, Value = "localhost", UpdatedAt = Seeded, UpdatedBy = "sistema",
                Description = "Server SMTP per l'invio delle mail (la password è nella configurazione, Mail:Password)." },
            new Setting { Code = SettingCodes.SmtpPort, Type = SettingType.Int, Value = "25", Min = 1, Max = 65535, UpdatedAt = Seeded, UpdatedBy = "sistema",
                Description = "Porta del server SMTP." },
            new Setting { Code = SettingCodes.SmtpSecurity, Type = SettingType.Text, Value = "none", UpdatedAt = Seeded, UpdatedBy = "sistema",
                Description = "Sicurezza della connessione SMTP: none, starttls o ssl." },
            new Setting { Code = SettingCodes.SmtpUser, Type = SettingType.Text, Value = "", UpdatedAt = Seeded, UpdatedBy = "sistema",
                Description = "Utente SMTP (vuoto = nessuna autenticazione)." },
            new Setting { Code = SettingCodes.MailFrom, Type = SettingType.Text, Value = "noreply@schedario.local", UpdatedAt = Seeded, UpdatedBy = "sistema",
                Description = "Indirizzo mittente delle mail." },
            new Setting { Code = SettingCodes.MailFromName, Type = SettingType.Text, Value = "Schedario", UpdatedAt = Seeded, UpdatedBy = "sistema",
                Description = "Nome del mittente delle mail (campo {{agenzia}} dei modelli)." },
            new Setting { Code = SettingCodes.OppositionRegisterMaxAgeDays, Type = SettingType.Int, Value = "15", Min = 1, Max = 60, UpdatedAt = Seeded, UpdatedBy = "sistema",
                Description = "Giorni massimi dall'ultimo controllo del Registro Pubblico delle Opposizioni: oltre, nessuna campagna può avviare la composizione automatica." });
    }
}

/// <summary>A parameter on the wire: <c>value</c> is a JSON number, boolean or string by its type.</summary>
public sealed record SettingDto(string Code, object Value, string Description, string Type, int? Min, int? Max, DateTime UpdatedAt, string UpdatedBy);

public sealed record SettingInput(JsonElement Value);

/// <summary>
/// Parameters are read on every call screen; this node keeps them for a few seconds. A change made
/// here is seen at once; one made on another node within <see cref="Lifetime"/>.
/// </summary>
public sealed class SettingsCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Setting Value, DateTime Until)> entries = new();

    public bool TryGet(string code, DateTime now, out Setting value)
    {
        value = null!;
        if (!entries.TryGetValue(code, out var e) || e.Until <= now) return false;
        value = e.Value;
        return true;
    }

    public void Put(Setting value, DateTime now) => entries[value.Code] = (value, now + Lifetime);

    public void Forget(string code) => entries.TryRemove(code, out _);
}

public sealed class SettingsService(Data.SchedarioDb db, TimeProvider clock, ILogger<SettingsService> log, SettingsCache cache)
{
    public async Task<List<SettingDto>> ListAsync(CancellationToken ct = default) =>
        (await db.Set<Setting>().AsNoTracking().OrderBy(s => s.Code).ToListAsync(ct)).Select(ToDto).ToList();

    public async Task<SettingDto> GetAsync(string code, CancellationToken ct = default) => ToDto(await FindAsync(code, ct));

    public async Task<int> GetIntAsync(string code, CancellationToken ct = default)
    {
        var s = await FindAsync(code, ct);
        return int.Parse(s.Value, CultureInfo.InvariantCulture);
    }

    public async Task<bool> GetBoolAsync(string code, CancellationToken ct = default) => bool.Parse((await FindAsync(code, ct)).Value);

    /// <summary>Validates the value against the parameter's type and range, stores it and logs who changed what.</summary>
    public async Task<SettingDto> UpdateAsync(string code, JsonElement value, string user, CancellationToken ct = default)
    {
        var s = await FindAsync(code, ct, tracked: true);
        var text = Parse(s, value, out var error);
        if (text is null) throw new ValidationException(new FieldErrors().Add("value", error!));
        var old = s.Value;
        s.Value = text;
        s.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        s.UpdatedBy = user;
        await db.SaveChangesAsync(ct);
        cache.Forget(s.Code);
        log.LogInformation("Setting {Code} changed from {Old} to {New} by {User}", s.Code, old, text, user);
        return ToDto(s);
    }

    /// <summary>The UI sends text; the API sends JSON: both end up here.</summary>
    public Task<SettingDto> UpdateAsync(string code, string value, string user, CancellationToken ct = default) =>
        UpdateAsync(code, JsonSerializer.SerializeToElement(value), user, ct);

    /// <summary>Text parameters that take one of a few words.</summary>
    static readonly Dictionary<string, string[]> Choices = new() { [SettingCodes.SmtpSecurity] = ["none", "starttls", "ssl"] };

    static string? Parse(Setting s, JsonElement value, out string? error)
    {
        error = null;
        var raw = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()?.Trim(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
        if (raw is null) { error = "Valore mancante."; return null; }
        switch (s.Type)
        {
            case SettingType.Int:
                if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) { error = "Serve un numero intero."; return null; }
                if (n < s.Min || n > s.Max) { error = $"Il valore deve essere tra {s.Min} e {s.Max}."; return null; }
                return n.ToString(CultureInfo.InvariantCulture);
            case SettingType.Bool:
                if (!bool.TryParse(raw, out var b)) { error = "Serve true o false."; return null; }
                return b ? "true" : "false";
            default:
                if (raw.Length > 400) { error = "Al massimo 400 caratteri."; return null; }
                if (Choices.TryGetValue(s.Code, out var allowed) && !allowed.Contains(raw.ToLowerInvariant()))
                { error = $"Valori ammessi: {string.Join(", ", allowed)}."; return null; }
                return allowed is null ? raw : raw.ToLowerInvariant();
        }
    }

    async Task<Setting> FindAsync(string code, CancellationToken ct, bool tracked = false)
    {
        var key = code.Trim().ToUpperInvariant();
        var now = clock.GetUtcNow().UtcDateTime;
        if (!tracked && cache.TryGet(key, now, out var cached)) return cached;
        var q = db.Set<Setting>().AsQueryable();
        if (!tracked) q = q.AsNoTracking();
        var found = await q.FirstOrDefaultAsync(s => s.Code == key, ct) ?? throw new NotFoundException($"Parametro '{code}' sconosciuto.");
        if (!tracked) cache.Put(found, now);
        return found;
    }

    static SettingDto ToDto(Setting s) => new(s.Code,
        s.Type switch
        {
            SettingType.Int => int.Parse(s.Value, CultureInfo.InvariantCulture),
            SettingType.Bool => bool.Parse(s.Value),
            _ => s.Value,
        },
        s.Description, s.Type.ToString().ToLowerInvariant(), s.Min, s.Max, s.UpdatedAt, s.UpdatedBy);
}

public static class SettingsApi
{
    public static IServiceCollection AddSettings(this IServiceCollection services)
    {
        services.AddScoped<SettingsService>();
        services.AddSingleton<SettingsCache>();
        return services;
    }

    public static RouteGroupBuilder MapSettingsApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/settings").WithTags("Settings");
        g.MapGet("/", (SettingsService s, CancellationToken ct) => s.ListAsync(ct)).WithSummary("System parameters (CC0028, CI0036, LASTCONTACTS…)");
        g.MapGet("/{code}", (string code, SettingsService s, CancellationToken ct) => s.GetAsync(code, ct)).WithSummary("One parameter by its code");
        g.MapPut("/{code}", (string code, SettingInput input, SettingsService s, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct) =>
                s.UpdateAsync(code, input.Value, user.UserName(), ct))
            .RequireAuthorization(Policies.Administrator).WithSummary("Change a parameter (administrators); the value is checked against its type and range");
        return api;
    }
}
