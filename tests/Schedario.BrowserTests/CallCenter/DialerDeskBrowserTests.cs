using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Tests.Campaigns;
using Schedario.Tests.CallCenter.Dialer.Service;
using Schedario.Web.CallCenter.Telephony;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.CallCenter;

/// <summary>
/// The outbound desk's automatic mode in a real browser, against the real dialer service and the simulated
/// PBX: an operator goes ready on the phone bar, switches on "Chiamate automatiche" for a started power
/// campaign, and the names the dialer connects come on screen one after another; closing one with an
/// outcome makes the operator ready again and the desk waits for the next; an operator on another page is
/// brought to the desk when a call is connected.
/// </summary>
public sealed class DialerDeskBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>For what waits on the simulated PBX, its events and the dialer's tick (a loaded CI machine).</summary>
    static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 20_000 };

    [Fact]
    public async Task The_dialer_puts_connected_names_on_the_operators_desk_one_after_another()
    {
        var factory = browser.App.Factory;
        // This class has its own app: people answer after 1.5 s (long enough to see the desk wait), never hang up by themselves.
        var sim = factory.Services.GetRequiredService<IOptions<SimulatedPbxOptions>>().Value;
        sim.AnswerAfterSeconds = 1.5;
        sim.HangUpAfterSeconds = null;
        using var admin = await factory.CreateAdminClientAsync();
        var kit = new DialerKit(factory, admin);
        await kit.RegisterCheckedAsync();
        var campaign = await kit.CampaignAsync(mode: "power", lines: 1);
        var names = await NamesAsync(kit, campaign.Id, 2);
        var (_, userName) = await kit.Campaigns.CreateOperatorAsync();
        // A supervisor started the campaign's dialing; nobody has joined it yet.
        await kit.StartAsync(campaign.Id);

        // The operator logs in, opens the phone bar and goes ready.
        var page = await browser.NewPageAsync();
        await browser.LoginAsync(page, userName, CampaignKit.Password);
        await BrowserFixture.WaitInteractiveAsync(page);
        var bar = page.GetByTestId("phone-bar");
        await page.GetByTestId("bar-open").ClickAsync();
        await page.GetByTestId("bar-ready").ClickAsync();
        await Expect(bar).ToHaveAttributeAsync("data-state", "Ready", Slow);

        // The desk: pick the power campaign and switch on automatic calls.
        await page.GetByTestId("nav-desk").ClickAsync();
        await page.WaitForURLAsync("**/desk");
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.GetByTestId("desk-campaign").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = campaign.Code }).ClickAsync();
        // The switch (data-testid desk-auto) as the user sees it: labelled "Chiamate automatiche".
        var auto = page.GetByRole(AriaRole.Switch, new() { Name = "Chiamate automatiche" });
        await Expect(auto).Not.ToBeCheckedAsync();
        await auto.ClickAsync();
        await Expect(auto).ToBeCheckedAsync();

        // Within seconds the dialer has called a name, it answered, and it is on the operator's screen and line.
        var name = page.GetByTestId("desk-name");
        await Expect(name).ToHaveTextAsync(new Regex(string.Join("|", names.Select(Regex.Escape))), new() { Timeout = 30_000 });
        var first = await name.InnerTextAsync();
        await Expect(bar).ToHaveAttributeAsync("data-state", "OnCall", Slow);
        await Expect(page.GetByTestId("bar-state")).ToContainTextAsync("In linea");
        await Expect(page.GetByTestId("bar-caller")).ToContainTextAsync(first);
        await Expect(page.GetByTestId("desk-auto-waiting")).ToHaveCountAsync(0);

        // The operator hangs up from the bar (closing the name is still to do), then closes it with the key "8" (NON INTERESSATO).
        await page.GetByTestId("bar-hangup").ClickAsync();
        await Expect(bar).ToHaveAttributeAsync("data-state", "WrapUp", Slow);
        await Expect(name).ToHaveTextAsync(first);
        // No click on the card first: the focus is still on the bar's button, and the key works there too.
        await page.Keyboard.PressAsync("8");
        await Expect(page.GetByTestId("desk-message")).ToContainTextAsync("NON INTERESSATO", new() { Timeout = 15_000 });

        // Ready again; the desk waits, then the next name the dialer connects comes on screen.
        await Expect(page.GetByTestId("desk-auto-waiting")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(bar).ToHaveAttributeAsync("data-state", "Ready", Slow);
        var second = names.Single(n => n != first);
        await Expect(name).ToHaveTextAsync(second, new() { Timeout = 30_000 });
        await Expect(bar).ToHaveAttributeAsync("data-state", "OnCall", Slow);

        // This one is closed with the outcome's button; the list is worked through, the desk waits.
        await page.GetByTestId("bar-hangup").ClickAsync();
        await Expect(bar).ToHaveAttributeAsync("data-state", "WrapUp", Slow);
        await page.GetByTestId("outcome-NON-INTERESSATO").ClickAsync();
        await Expect(page.GetByTestId("desk-message")).ToContainTextAsync("NON INTERESSATO", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("desk-auto-waiting")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(bar).ToHaveAttributeAsync("data-state", "Ready", Slow);

        // The operator goes to the records list meanwhile; a new name arrives, is called and answers:
        // the phone bar brings the operator back to the desk with that name on screen.
        await page.GetByRole(AriaRole.Link, new() { Name = "Anagrafiche", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/customers");
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("filter-province")).ToBeVisibleAsync();
        await Expect(bar).ToHaveAttributeAsync("data-state", "Ready");
        var third = (await NamesAsync(kit, campaign.Id, 1))[0];
        await page.WaitForURLAsync("**/desk", new() { Timeout = 30_000 });
        await Expect(name).ToHaveTextAsync(third, new() { Timeout = 30_000 });
        await Expect(bar).ToHaveAttributeAsync("data-state", "OnCall", Slow);
        await Expect(auto).ToBeCheckedAsync();

        // Done for the day: hang up, close, leave automatic calls; the supervisor stops the campaign.
        await page.GetByTestId("bar-hangup").ClickAsync();
        await page.Keyboard.PressAsync("8");
        await Expect(page.GetByTestId("desk-auto-waiting")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await auto.ClickAsync();
        await Expect(auto).Not.ToBeCheckedAsync();
        await Expect(page.GetByTestId("desk-next")).ToBeVisibleAsync();
        await kit.StopAsync(campaign.Id);
    }

    /// <summary>New names in the campaign whose numbers answer; returns their names as the desk shows them.</summary>
    static async Task<List<string>> NamesAsync(DialerKit kit, int campaignId, int count)
    {
        var added = await kit.NamesAsync(campaignId, count, SimulatedOutcome.Answer);
        var ids = added.Select(a => a.CustomerId).ToList();
        return await kit.WithDbAsync(db => db.Set<Schedario.Web.Registry.Customer>().AsNoTracking()
            .Where(c => ids.Contains(c.Id)).Select(c => c.DisplayName).ToListAsync());
    }
}
