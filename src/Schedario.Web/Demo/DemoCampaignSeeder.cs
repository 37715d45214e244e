using Microsoft.EntityFrameworkCore;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Registry;

namespace Schedario.Web.Demo;

/// <summary>
/// Gives the local demo something to call: a running campaign filled from three regions and shared
/// among the demo operators, and a later campaign of the same type to promise contacts into.
/// </summary>
public sealed class DemoCampaignSeeder(SchedarioDb db, CampaignService campaigns, WizardService wizard, TimeProvider clock, ILogger<DemoCampaignSeeder> log)
{
    public async Task SeedAsync(CancellationToken ct = default)
    {
        if (await db.Set<Campaign>().AnyAsync(ct)) return;
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var type = await campaigns.CreateTypeAsync(new CampaignTypeInput("TEL", "Telefonia e internet"), ct);
        // Every day, no hour limit: the demo must be callable whenever someone tries it.
        string[] everyDay = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        var current = await campaigns.CreateAsync(new CampaignInput
        {
            Code = "FIBRA-AUT", Name = "Offerta fibra autunno", TypeId = type.Id,
            Description = "Proposta fibra ai privati e alle aziende di Lombardia, Lazio e Campania.",
            StartDate = today.AddDays(-30), EndDate = today.AddDays(30), AutoContactPromise = true,
            CallingDays = [.. everyDay], MaxAttempts = 5,
        }, "demo", ct);
        await campaigns.CreateAsync(new CampaignInput
        {
            Code = "FIBRA-PRI", Name = "Fibra primavera", TypeId = type.Id,
            Description = "La campagna successiva: qui arrivano le promesse di contatto.",
            StartDate = today.AddDays(45), EndDate = today.AddDays(120), CallingDays = [.. everyDay], MaxAttempts = 5,
        }, "demo", ct);
        var operators = (await campaigns.OperatorsAsync(ct)).Select(o => o.Id).ToList();
        var result = await wizard.FillAsync(current.Id, new WizardInput
        {
            Filter = new RegistryFilter { Regions = ["Lombardia", "Lazio", "Campania"] },
            Distribution = new DistributionInput { Mode = operators.Count > 0 ? "equal" : "pool", OperatorIds = operators },
        }, ct);
        log.LogInformation("Demo campaign {Code}: {Inserted} names for {Operators} operators", current.Code, result.Inserted, operators.Count);
    }
}
