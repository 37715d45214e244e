using System.Net.Http.Json;
using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Campaigns;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.CallCenter;

/// <summary>
/// A supervisor sets a campaign to predictive in the campaign form, then starts and stops its automatic
/// dialing from the campaign's page, which says live why it is not dialing (nobody has joined yet).
/// </summary>
public sealed class DialerSupervisorBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_supervisor_makes_a_campaign_predictive_starts_it_and_sees_why_it_waits()
    {
        var factory = browser.App.Factory;
        using var admin = await factory.CreateAdminClientAsync();
        var typeId = (await (await admin.GetAsync("/api/v1/campaign-types")).Content.ReadFromJsonAsync<List<CampaignTypeDto>>())![0].Id;
        var code = "BRDIAL" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant();
        var today = DateOnly.FromDateTime(DateTime.Today);
        var created = await admin.PostAsJsonAsync("/api/v1/campaigns", new CampaignInput
        {
            Code = code, Name = "Dialer dal browser", TypeId = typeId, StartDate = today, EndDate = today.AddDays(10),
            CallingDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
        });
        created.EnsureSuccessStatusCode();
        var campaign = (await created.Content.ReadFromJsonAsync<CampaignDto>())!;

        var page = await browser.NewPageAsync();
        await browser.LoginAsync(page, SchedarioAppFactory.AdminUserName, SchedarioAppFactory.AdminPassword);

        // The campaign form: dial mode predictive (the dialing fields appear), saved.
        await page.GotoAsync("/campaigns");
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.GetByRole(AriaRole.Row, new() { Name = code }).GetByRole(AriaRole.Button, new() { Name = "Modifica" }).ClickAsync();
        await page.GetByTestId("dial-mode").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Predittiva" }).ClickAsync();
        await Expect(page.GetByText("Attesa operatore (secondi)")).ToBeVisibleAsync();
        // The minimum ring before the dialer may hang up: 15 s by default; under 15 is refused at the field.
        var hangUpAfter = page.Locator("input[data-testid='hang-up-after'], [data-testid='hang-up-after'] input");
        await Expect(hangUpAfter).ToHaveValueAsync("15");
        await hangUpAfter.FillAsync("10");
        await hangUpAfter.PressAsync("Tab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Salva" }).ClickAsync();
        await Expect(page.GetByText("oppure tra 15 e 60 secondi")).ToBeVisibleAsync();
        Assert.Equal("preview", (await admin.GetFromJsonAsync<CampaignDto>($"/api/v1/campaigns/{campaign.Id}"))!.Dialing!.Mode);
        await hangUpAfter.FillAsync("20");
        await hangUpAfter.PressAsync("Tab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Salva" }).ClickAsync();
        await Expect(page.Locator(".mud-snackbar", new() { HasText = "Salvato" })).ToBeVisibleAsync();
        var saved = (await admin.GetFromJsonAsync<CampaignDto>($"/api/v1/campaigns/{campaign.Id}"))!;
        Assert.Equal(("predictive", 20), (saved.Dialing!.Mode, saved.Dialing.HangUpAfterSeconds));

        // The campaign's page: start, the runner reports that nobody has joined, stop.
        await page.GotoAsync($"/campaigns/{campaign.Id}/supervise");
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("dialer-panel")).ToContainTextAsync("Predittiva");
        await page.GetByTestId("dialer-start").ClickAsync();
        await Expect(page.GetByTestId("dialer-stop")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("dialer-hold")).ToContainTextAsync("Nessun operatore", new() { Timeout = 20_000 });
        await page.GetByTestId("dialer-stop").ClickAsync();
        await Expect(page.GetByTestId("dialer-start")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("dialer-hold")).ToContainTextAsync("ferma");
    }
}
