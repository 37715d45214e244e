using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Tests.Campaigns;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Campaigns;
using Schedario.Web.Identity;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.CallCenter;

public sealed class DoNotCallBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_uploads_the_register_sees_the_malformed_lines_and_finds_a_number()
    {
        string a = "3" + Random.Shared.Next(20, 99) + Random.Shared.Next(1_000_000, 9_999_999), b = "+39 3" + Random.Shared.Next(20, 99) + Random.Shared.Next(1_000_000, 9_999_999);
        var path = Path.Combine(Path.GetTempPath(), $"rpo-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, $"numero\n{a}\nnon è un numero\n\n{b}\n12\n");

        var page = await browser.NewPageAsync();
        await browser.LoginAsync(page, "admin", SchedarioAppFactory.AdminPassword);
        await page.GotoAsync("/admin/do-not-call");
        await BrowserFixture.WaitInteractiveAsync(page);
        // The demo data records a register check (so the dialer can be tried): the status shows its date.
        await Expect(page.GetByTestId("rpo-status")).ToContainTextAsync("Ultimo controllo");

        var result = page.GetByTestId("rpo-result");
        // The helper may choose the file twice while the page wires up: a second import of the same
        // file adds nothing, so only what does not depend on it is checked here (the API tests count).
        await BrowserFixture.ChooseFileAsync(page, path, result);
        await Expect(result).ToContainTextAsync("4 righe, 2 numeri nel registro");
        await Expect(result).ToContainTextAsync("0 tolti, 2 righe non valide");
        await Expect(page.GetByTestId("rpo-malformed")).ToContainTextAsync("riga 3");
        await Expect(page.GetByTestId("rpo-malformed")).ToContainTextAsync("riga 6");
        await Expect(page.GetByTestId("rpo-status")).ToContainTextAsync("controllo valido");
        await Expect(page.GetByTestId("rpo-history")).ToContainTextAsync("admin");

        await page.Locator("#dnc-search").FillAsync(a);
        await Expect(page.GetByTestId("dnc-list")).ToContainTextAsync("Registro delle opposizioni");
        await Expect(page.GetByTestId("dnc-list").Locator("tbody tr")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task The_operator_asks_on_the_desk_why_a_name_would_not_be_called()
    {
        var factory = browser.App.Factory;
        var kit = new CampaignKit(factory);
        using var admin = await factory.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var campaign = await CampaignKit.CreateCampaignAsync(admin, type, new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31));
        var (tag, ids) = await kit.SeedCustomersAsync(1);
        string operatorId;
        using (var scope = factory.Services.CreateScope())
            operatorId = (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync("operator1"))!.Id;
        await CampaignKit.FillAsync(admin, campaign.Id, CampaignKit.Wizard(tag, "roundRobin", [operatorId]));

        var page = await browser.NewPageAsync();
        await browser.LoginAsync(page, "operator1", DemoUsers.DemoPassword);
        await page.GotoAsync("/desk");
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.GetByTestId("desk-campaign").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = campaign.Code }).ClickAsync();
        await page.GetByTestId("desk-next").ClickAsync();
        await Expect(page.GetByTestId("desk-name")).ToContainTextAsync(tag);

        // The number goes on the list while the name is on screen (Next no longer serves a listed one).
        var phone = await kit.WithDbAsync(db => Task.FromResult(db.Set<Schedario.Web.Registry.Customer>().Where(c => c.Id == ids[0]).Select(c => c.MainPhone).First()));
        var added = await admin.PostAsJsonAsync("/api/v1/do-not-call", new { number = phone, note = "chiesto per lettera" });
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());

        await page.GetByTestId("dialability-why").ClickAsync();
        await Expect(page.GetByTestId("dialability-result")).ToContainTextAsync("non può essere chiamato");
        await Expect(page.GetByTestId("dialability-do-not-call")).ToContainTextAsync("inserito a mano");
    }
}
