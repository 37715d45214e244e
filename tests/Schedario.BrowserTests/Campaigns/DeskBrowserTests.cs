using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Tests.Campaigns;
using Schedario.Web.Campaigns;
using Schedario.Web.Identity;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.Campaigns;

/// <summary>
/// The operator's day in one sitting: take the next name, close a call with a keyboard shortcut,
/// make a contact promise into a future campaign; then the supervisor finds the name there.
/// </summary>
public sealed class DeskBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Operator_closes_with_a_shortcut_and_promises_a_contact_that_the_supervisor_sees()
    {
        var factory = browser.App.Factory;
        var kit = new CampaignKit(factory);
        using var admin = await factory.CreateAdminClientAsync();
        var type = await CampaignKit.CreateTypeAsync(admin);
        var current = await CampaignKit.CreateCampaignAsync(admin, type, new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31));
        var future = await CampaignKit.CreateCampaignAsync(admin, type, new DateOnly(2026, 5, 1), new DateOnly(2026, 7, 31));
        var (tag, _) = await kit.SeedCustomersAsync(2);
        var operator1 = await OperatorIdAsync("operator1");
        await CampaignKit.FillAsync(admin, current.Id, CampaignKit.Wizard(tag, "roundRobin", [operator1]));

        var page = await browser.NewPageAsync();
        await browser.LoginAsync(page, "operator1", DemoUsers.DemoPassword);
        await page.GotoAsync("/desk");
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.GetByTestId("desk-campaign").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = current.Code }).ClickAsync();
        await page.GetByTestId("desk-next").ClickAsync();
        var name = page.GetByTestId("desk-name");
        await Expect(name).ToContainTextAsync(tag);
        var first = await name.InnerTextAsync();

        // "8" is NON INTERESSATO in the default outcome table.
        await name.ClickAsync();
        await page.Keyboard.PressAsync("8");
        await Expect(page.GetByTestId("desk-message")).ToContainTextAsync("NON INTERESSATO");

        await page.GetByTestId("desk-next").ClickAsync();
        await Expect(name).ToContainTextAsync(tag);
        var second = await name.InnerTextAsync();
        Assert.NotEqual(first, second);
        // In the note a key is text, not a shortcut: "8" stays in the field and the name stays open.
        await page.Locator("#desk-note").FillAsync("");
        await page.Locator("#desk-note").PressSequentiallyAsync("8 maggio");
        await Expect(page.Locator("#desk-note")).ToHaveValueAsync("8 maggio");
        await Expect(name).ToHaveTextAsync(second);
        await page.GetByTestId("outcome-PROMESSA-CONTATTO").ClickAsync();
        await Expect(page.GetByTestId("promise-picker")).ToBeVisibleAsync();
        await page.GetByTestId($"promise-target-{future.Code}").ClickAsync();
        await Expect(page.GetByTestId("desk-message")).ToContainTextAsync(future.Code);

        var sup = await browser.NewPageAsync();
        await browser.LoginAsync(sup, "supervisor", DemoUsers.DemoPassword);
        await sup.GotoAsync($"/campaigns/{future.Id}/supervise");
        await BrowserFixture.WaitInteractiveAsync(sup);
        await Expect(sup.GetByTestId("entries-table")).ToContainTextAsync(second);
        await Expect(sup.GetByTestId("entries-table")).Not.ToContainTextAsync(first);
    }

    async Task<string> OperatorIdAsync(string userName)
    {
        using var scope = browser.App.Factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        return (await users.FindByNameAsync(userName))!.Id;
    }
}
