using Microsoft.EntityFrameworkCore;
using Schedario.Web.Registry.Italy;
using Schedario.Web.Registry.Normalization;

namespace Schedario.Web.Registry;

/// <summary>A characteristic a record must have (or must not have), optionally learned within dates.</summary>
public sealed record CharacteristicCriterion(string Code, DateOnly? From = null, DateOnly? To = null);

/// <summary>A consent in force that a record must have (purpose and channel, given).</summary>
public sealed record ConsentCriterion(string Purpose, string Channel);

/// <summary>
/// The registry's reusable filter: the record list, the advanced search and the campaign wizard
/// all select names with it, so "who matches" means the same everywhere.
/// </summary>
public sealed record RegistryFilter
{
    public List<string>? Regions { get; init; }
    public List<string>? Provinces { get; init; }
    public List<string>? Cities { get; init; }
    public List<string>? PostalCodes { get; init; }
    public List<string>? Stages { get; init; }
    public List<string>? Kinds { get; init; }
    public List<CharacteristicCriterion>? CharacteristicsPresent { get; init; }
    public List<CharacteristicCriterion>? CharacteristicsAbsent { get; init; }
    public List<ConsentCriterion>? Consents { get; init; }
    public DateOnly? CreatedFrom { get; init; }
    public DateOnly? CreatedTo { get; init; }
    /// <summary>Free text, as in the quick-search box.</summary>
    public string? Text { get; init; }

    public Shared.FieldErrors Validate(string prefix = "")
    {
        var errors = new Shared.FieldErrors();
        foreach (var p in Provinces ?? [])
            if (ItalianProvinces.NormalizeCode(p) is null) errors.Add($"{prefix}provinces", $"Provincia sconosciuta: '{p}'.");
        foreach (var r in Regions ?? [])
            if (!ItalianProvinces.Regions.Any(x => string.Equals(x, r?.Trim(), StringComparison.OrdinalIgnoreCase)))
                errors.Add($"{prefix}regions", $"Regione sconosciuta: '{r}'.");
        foreach (var s in Stages ?? [])
            if (!EnumText.TryParse<LifecycleStage>(s, out _)) errors.Add($"{prefix}stages", $"Stato sconosciuto: '{s}'.");
        foreach (var k in Kinds ?? [])
            if (!EnumText.TryParse<CustomerKind>(k, out _)) errors.Add($"{prefix}kinds", $"Tipo sconosciuto: '{k}'.");
        foreach (var c in Consents ?? [])
        {
            if (!EnumText.TryParse<ConsentPurpose>(c.Purpose, out _)) errors.Add($"{prefix}consents", $"Finalità sconosciuta: '{c.Purpose}'.");
            if (!EnumText.TryParse<ConsentChannel>(c.Channel, out _)) errors.Add($"{prefix}consents", $"Canale sconosciuto: '{c.Channel}'.");
        }
        foreach (var c in (CharacteristicsPresent ?? []).Concat(CharacteristicsAbsent ?? []))
            if (c.From > c.To) errors.Add($"{prefix}characteristics", $"Intervallo di date invertito per '{c.Code}'.");
        if (CreatedFrom > CreatedTo) errors.Add($"{prefix}createdFrom", "La data iniziale è successiva a quella finale.");
        return errors;
    }

    public IQueryable<Customer> Apply(IQueryable<Customer> query, DbContext db)
    {
        if (Regions is { Count: > 0 })
        {
            var regions = Regions.Select(r => ItalianProvinces.Regions.First(x => string.Equals(x, r.Trim(), StringComparison.OrdinalIgnoreCase))).ToList();
            query = query.Where(c => c.Region != null && regions.Contains(c.Region));
        }
        if (Provinces is { Count: > 0 })
        {
            var provinces = Provinces.Select(ItalianProvinces.NormalizeCode).OfType<string>().ToList();
            query = provinces.Count == 1
                ? query.Where(c => c.Province == provinces[0])
                : query.Where(c => c.Province != null && provinces.Contains(c.Province));
        }
        if (Cities is { Count: > 0 })
        {
            var cities = Cities.Select(TextNormalizer.PersonName).OfType<string>().ToList();
            query = query.Where(c => c.City != null && cities.Contains(c.City));
        }
        if (PostalCodes is { Count: > 0 })
        {
            var caps = PostalCodes.Select(PostalCode.Normalize).ToList();
            query = query.Where(c => c.PostalCode != null && caps.Contains(c.PostalCode));
        }
        if (Stages is { Count: > 0 })
        {
            var stages = Stages.Select(s => EnumText.TryParse<LifecycleStage>(s, out var v) ? v : (LifecycleStage?)null).OfType<LifecycleStage>().ToList();
            query = query.Where(c => stages.Contains(c.Stage));
        }
        if (Kinds is { Count: > 0 })
        {
            var kinds = Kinds.Select(s => EnumText.TryParse<CustomerKind>(s, out var v) ? v : (CustomerKind?)null).OfType<CustomerKind>().ToList();
            query = query.Where(c => kinds.Contains(c.Kind));
        }
        var characteristics = db.Set<CustomerCharacteristic>();
        foreach (var crit in CharacteristicsPresent ?? [])
        {
            var code = crit.Code.Trim().ToUpperInvariant();
            var from = crit.From ?? DateOnly.MinValue;
            var to = crit.To ?? DateOnly.MaxValue;
            query = query.Where(c => characteristics.Any(x => x.CustomerId == c.Id && x.Characteristic!.Code == code && x.Date >= from && x.Date <= to));
        }
        foreach (var crit in CharacteristicsAbsent ?? [])
        {
            var code = crit.Code.Trim().ToUpperInvariant();
            var from = crit.From ?? DateOnly.MinValue;
            var to = crit.To ?? DateOnly.MaxValue;
            query = query.Where(c => !characteristics.Any(x => x.CustomerId == c.Id && x.Characteristic!.Code == code && x.Date >= from && x.Date <= to));
        }
        var consents = db.Set<Consent>();
        foreach (var crit in Consents ?? [])
        {
            EnumText.TryParse<ConsentPurpose>(crit.Purpose, out var purpose);
            EnumText.TryParse<ConsentChannel>(crit.Channel, out var channel);
            // The statement in force is the newest one for that purpose and channel.
            query = query.Where(c => consents
                .Where(x => x.CustomerId == c.Id && x.Purpose == purpose && x.Channel == channel)
                .OrderByDescending(x => x.At)
                .Select(x => (bool?)x.Given)
                .FirstOrDefault() == true);
        }
        if (CreatedFrom is { } cf)
        {
            var fromUtc = cf.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(c => c.CreatedAt >= fromUtc);
        }
        if (CreatedTo is { } ct)
        {
            var toUtc = ct.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(c => c.CreatedAt < toUtc);
        }
        if (!string.IsNullOrWhiteSpace(Text))
            query = QuickSearch.Apply(query, db, Text);
        return query;
    }
}
