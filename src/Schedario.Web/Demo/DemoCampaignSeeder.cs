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

        // A predictive campaign for the dialer: its names in the shared pool, started from the supervisor's page.
        var energy = await campaigns.CreateTypeAsync(new CampaignTypeInput("ENE", "Energia"), ct);
        var predictive = await campaigns.CreateAsync(new CampaignInput
        {
            Code = "LUCE-PRED", Name = "Luce e gas (predittiva)", TypeId = energy.Id,
            Description = "Composizione automatica: gli operatori entrano dal desk con «Chiamate automatiche».",
            StartDate = today.AddDays(-7), EndDate = today.AddDays(60), CallingDays = [.. everyDay], MaxAttempts = 5,
            Dialing = new DialingInput { Mode = "predictive" },
        }, "demo", ct);
        var filled = await wizard.FillAsync(predictive.Id, new WizardInput
        {
            Filter = new RegistryFilter { Regions = ["Piemonte", "Veneto", "Toscana"] },
            Distribution = new DistributionInput { Mode = "pool" },
        }, ct);
        // The demo agency checked the opposition register today (a real one imports the register's file).
        db.Add(new CallCenter.Compliance.OppositionRegisterCheck { CheckedAt = clock.GetUtcNow().UtcDateTime, ImportedBy = "demo", FileName = "demo" });
        await db.SaveChangesAsync(ct);
        log.LogInformation("Demo campaign {Code}: {Inserted} names in the pool", predictive.Code, filled.Inserted);
    }
}
