using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Tests.Campaigns;
using Schedario.Web.Campaigns;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.Campaigns;

/// <summary>
/// An administrator keeps the outcome table: adds an outcome (and is told why a taken key is
/// refused), edits it, deactivates it; the desk then no longer offers it.
/// </summary>
public sealed class OutcomeTableBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Administrator_adds_edits_and_deactivates_an_outcome()
    {
        var code = "BT " + CampaignKit.Unique()[..6];
        var page = await browser.NewPageAsync();
        await browser.LoginAsAdminAsync(page);
        await page.GotoAsync("/outcomes");
        await BrowserFixture.WaitInteractiveAsync(page);
        var table = page.GetByTestId("outcome-table");
        // The shipped defaults are there, PROMESSA CONTATTO among them.
        await Expect(table).ToContainTextAsync("PROMESSA CONTATTO");

        await page.GetByTestId("new-outcome").ClickAsync();
        await page.Locator("#outcome-code").FillAsync(code);
        await page.Locator("#outcome-description").FillAsync("Cliente già servito da un'altra agenzia");
        await page.GetByTestId("outcome-category").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Chiuso negativo" }).ClickAsync();
        await page.GetByTestId("flag-reached").ClickAsync();
        await page.Locator("#outcome-delay").FillAsync("90");
        // "3" is PROMESSA CONTATTO's key: the service refuses it and the form says so beside the field.
        await page.Locator("#outcome-shortcut").FillAsync("3");
        await page.GetByTestId("save-outcome").ClickAsync();
        var form = page.GetByTestId("outcome-form");
        await Expect(form).ToContainTextAsync("Il tasto 3 è già di un altro esito.");
        await Expect(table).Not.ToContainTextAsync(code);

        await page.Locator("#outcome-shortcut").FillAsync("q");
        await page.GetByTestId("save-outcome").ClickAsync();
        await Expect(form).Not.ToBeVisibleAsync();
        var row = table.Locator("tr", new() { HasText = code });
        await Expect(row).ToContainTextAsync("Chiuso negativo");
        await Expect(row).ToContainTextAsync("Persona raggiunta");
        await Expect(row).ToContainTextAsync("Q");

        await page.GetByTestId($"edit-{code}").ClickAsync();
        await page.Locator("#outcome-description").FillAsync("Già cliente di un'altra agenzia");
        await page.GetByTestId("save-outcome").ClickAsync();
        await Expect(row).ToContainTextAsync("Già cliente di un'altra agenzia");

        await page.GetByTestId($"deactivate-{code}").ClickAsync();
        await Expect(page.GetByTestId($"outcome-state-{code}")).ToContainTextAsync("Disattivato");
        await Expect(page.GetByTestId($"activate-{code}")).ToBeVisibleAsync();

        // The desk's list (active outcomes only) no longer offers it.
        using var scope = browser.App.Factory.Services.CreateScope();
        var active = await scope.ServiceProvider.GetRequiredService<CampaignService>().ListOutcomesAsync();
        Assert.DoesNotContain(active, o => o.Code == code);
        Assert.Contains(active, o => o.Code == "PROMESSA CONTATTO");
    }
}
