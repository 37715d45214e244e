using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Organization;
using Schedario.Web.Registry.Normalization;

namespace Schedario.Web.Registry.Import;

/// <summary>
/// The subjects a file may name (issue 3: "subjects are assignable by import"): the agency by its
/// code, the referrer and the owner by name (or id), the owner's portfolio type by code. Loaded once
/// per import, read by the batches side by side.
/// </summary>
public sealed class ImportSubjects
{
    readonly Dictionary<string, int> agencies = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, int> referrers = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> owners = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> portfolios = new(StringComparer.OrdinalIgnoreCase);
    int? onlyPortfolio;

    public static async Task<ImportSubjects> LoadAsync(SchedarioDb db, CancellationToken ct)
    {
        var s = new ImportSubjects();
        foreach (var a in await db.Set<Agency>().AsNoTracking().Where(a => a.Active).ToListAsync(ct)) s.agencies[a.Code] = a.Id;
        foreach (var x in await db.Set<Subject>().AsNoTracking().Where(x => x.Active).ToListAsync(ct))
        {
            var into = x.Kind == SubjectKind.Referrer ? s.referrers : s.owners;
            into.TryAdd(TextNormalizer.SearchKey(x.Name), x.Id);
            into[x.Id.ToString()] = x.Id;
        }
        var types = await db.Set<PortfolioType>().AsNoTracking().Where(p => p.Active).ToListAsync(ct);
        foreach (var p in types) s.portfolios[p.Code] = p.Id;
        if (types.Count == 1) s.onlyPortfolio = types[0].Id;
        return s;
    }

    /// <summary>Sets agency, referrer and owner on a new or matched record; false with errors when a name is unknown.</summary>
    public bool Apply(Func<string, string?> get, Customer customer, List<(string Field, string Message)> errors)
    {
        if (get("agency") is { } agency)
        {
            if (agencies.TryGetValue(agency, out var id)) customer.AgencyId = id;
            else errors.Add(("agency", $"Agenzia sconosciuta: '{agency}' (indicare il codice)."));
        }
        if (get("referrer") is { } referrer)
        {
            if (referrers.TryGetValue(Key(referrer), out var id)) customer.ReferrerId = id;
            else errors.Add(("referrer", $"Segnalatore sconosciuto: '{referrer}'."));
        }
        if (get("owner") is { } owner)
        {
            int? portfolio = get("ownerPortfolio") is { } code ? portfolios.TryGetValue(code, out var p) ? p : null : onlyPortfolio;
            if (portfolio is null)
                errors.Add(("ownerPortfolio", get("ownerPortfolio") is { } c
                    ? $"Tipo portafoglio sconosciuto: '{c}'."
                    : "Indicare il tipo portafoglio del proprietario (ce n'è più di uno)."));
            if (!owners.TryGetValue(Key(owner), out var subject))
                errors.Add(("owner", $"Proprietario sconosciuto: '{owner}' (un agente o un operatore)."));
            else if (portfolio is { } pt)
                customer.Owners.Add(new CustomerOwner { CustomerId = customer.Id, PortfolioTypeId = pt, SubjectId = subject, AssignedAt = customer.CreatedAt, AssignedBy = customer.CreatedBy });
        }
        return errors.Count == 0;
    }

    static string Key(string nameOrId) => nameOrId.All(char.IsDigit) ? nameOrId : TextNormalizer.SearchKey(nameOrId);
}
