using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Organization;
using Schedario.Web.Registry;

namespace Schedario.Web.Demo;

/// <summary>
/// Gives the demo's people a place: two agencies (north and south), a subject for each demo
/// operator, two portfolio types, and owned records, so "who sees what" can be tried at once:
/// operator1 owns Lombardy's mobile customers, operator3 Campania's, and each agency holds its regions.
/// </summary>
public sealed class DemoOrganizationSeeder(SchedarioDb db, UserManager<AppUser> users, TimeProvider clock, ILogger<DemoOrganizationSeeder> log)
{
    public async Task SeedAsync(CancellationToken ct = default)
    {
        if (await db.Set<Agency>().AnyAsync(ct)) return;
        var north = new Agency { Code = "AG-NORD", Name = "Agenzia Nord (Milano)" };
        var south = new Agency { Code = "AG-SUD", Name = "Agenzia Sud (Napoli)" };
        var mobile = new PortfolioType { Code = "MOBILE", Name = "Telefonia mobile" };
        var energy = new PortfolioType { Code = "ENERGIA", Name = "Luce e gas" };
        db.AddRange(north, south, mobile, energy);
        await db.SaveChangesAsync(ct);

        var subjects = new Dictionary<string, Subject>();
        foreach (var (userName, agency) in new[] { ("operator1", north), ("operator2", north), ("operator3", south) })
        {
            var user = await users.FindByNameAsync(userName);
            if (user is null) continue;
            user.AgencyId = agency.Id;
            var subject = new Subject { Kind = SubjectKind.Operator, Name = user.DisplayName, UserId = user.Id, AgencyId = agency.Id };
            db.Add(subject);
            subjects[userName] = subject;
        }
        db.Add(new Subject { Kind = SubjectKind.Agent, Name = "Paolo Agente", AgencyId = north.Id });
        db.Add(new Subject { Kind = SubjectKind.Referrer, Name = "Studio Bianchi (segnalatore)" });
        await db.SaveChangesAsync(ct);

        string[] northRegions = ["Lombardia", "Piemonte", "Veneto", "Liguria", "Emilia-Romagna"];
        string[] southRegions = ["Campania", "Puglia", "Calabria", "Sicilia"];
        await db.Set<Customer>().Where(c => c.Region != null && northRegions.Contains(c.Region)).ExecuteUpdateAsync(s => s.SetProperty(c => c.AgencyId, north.Id), ct);
        await db.Set<Customer>().Where(c => c.Region != null && southRegions.Contains(c.Region)).ExecuteUpdateAsync(s => s.SetProperty(c => c.AgencyId, south.Id), ct);

        var now = clock.GetUtcNow().UtcDateTime;
        async Task OwnAsync(string userName, string region, int count)
        {
            if (!subjects.TryGetValue(userName, out var subject)) return;
            var ids = await db.Set<Customer>().Where(c => c.Region == region).OrderBy(c => c.SearchName).Take(count).Select(c => c.Id).ToListAsync(ct);
            db.AddRange(ids.Select(id => new CustomerOwner { CustomerId = id, PortfolioTypeId = mobile.Id, SubjectId = subject.Id, AssignedAt = now, AssignedBy = "demo" }));
        }
        await OwnAsync("operator1", "Lombardia", 150);
        await OwnAsync("operator2", "Piemonte", 100);
        await OwnAsync("operator3", "Campania", 150);
        await db.SaveChangesAsync(ct);
        log.LogInformation("Demo organisation: agencies {North} and {South}, {Subjects} operator subjects with their customers", north.Code, south.Code, subjects.Count);
    }
}
