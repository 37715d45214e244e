using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.CallCenter.Inbound;
using Schedario.Web.Data;
using Schedario.Web.Identity;
using Schedario.Web.Organization;

namespace Schedario.Web.Demo;

/// <summary>
/// Two inbound services for the demo, so a supervisor can make a call ring at once (Amministrazione →
/// Telefonia → Simula chiamata): customer care on 02 1234 5678 answered by the three operators and
/// showing the mobile portfolio's owner, and sales on 06 9876 5432 open to every operator.
/// </summary>
public sealed class DemoCallCenterSeeder(SchedarioDb db, UserManager<AppUser> users, ILogger<DemoCallCenterSeeder> log)
{
    public const string CareNumber = "+390212345678";
    public const string SalesNumber = "+390698765432";

    public async Task SeedAsync(CancellationToken ct = default)
    {
        if (await db.InboundServices().AnyAsync(ct)) return;
        var mobile = await db.Set<PortfolioType>().Where(p => p.Code == "MOBILE").Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);
        var energy = await db.Set<PortfolioType>().Where(p => p.Code == "ENERGIA").Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);
        var care = new InboundService { Code = "ASSISTENZA", Name = "Assistenza clienti", Number = CareNumber, PortfolioTypeId = mobile, LastContacts = 3 };
        foreach (var name in new[] { "operator1", "operator2", "operator3" })
            if (await users.FindByNameAsync(name) is { } user) care.Operators.Add(new InboundServiceOperator { UserId = user.Id });
        db.AddRange(care, new InboundService { Code = "COMMERCIALE", Name = "Linea commerciale", Number = SalesNumber, PortfolioTypeId = energy, LastContacts = 3 });
        await db.SaveChangesAsync(ct);
        log.LogInformation("Demo inbound services: {Care} on {CareNumber}, {Sales} on {SalesNumber}", care.Code, CareNumber, "COMMERCIALE", SalesNumber);
    }
}
