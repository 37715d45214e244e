using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Tests.Access;
using Schedario.Tests.CallCenter.Inbound;
using Schedario.Tests.CallCenter.Wallboard;
using Schedario.Web.CallCenter.Dialer;
using Schedario.Web.CallCenter.Dialer.Service;
using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.Identity;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.CallCenter;

/// <summary>
/// The supervisor's wallboard in a real browser: it changes without a reload when an operator's bar
/// changes state and when a dialer runner reports, and says in red why a campaign is not dialing.
/// </summary>
public sealed class WallboardBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_wallboard_follows_operators_and_the_dialer_without_a_reload()
    {
        var factory = browser.App.Factory;
        using var admin = await factory.CreateAdminClientAsync();
        var access = new AccessKit(factory, admin);
        var (op, opClient, _) = await access.UserAsync(Roles.Operator, null, withSubject: false);
        var kit = new WallboardKit(factory, TimeProvider.System);
        var bus = factory.Services.GetRequiredService<ICallCenterBus>();
        // This test plays the dialer runner itself (its reports, its calls in flight): the app's own dialer
        // service would take the started campaign below and overwrite those reports with its own.
        await factory.Services.GetRequiredService<DialerService>().StopAsync(CancellationToken.None);

        // The supervisor opens the wallboard from the navigation.
        var page = await browser.NewPageAsync();
        await browser.LoginAsAdminAsync(page);
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.GetByTestId("nav-wallboard").ClickAsync();
        await page.WaitForURLAsync("**/supervisor/wallboard");
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("wb-tiles")).ToBeVisibleAsync();
        var row = page.Locator($"[data-testid=wb-operator][data-user='{op.UserName}']");
        await Expect(row).ToHaveCountAsync(0);

        // The operator opens the phone bar and goes ready: the wallboard shows it, no reload.
        await InboundKit.ReadyAsync(opClient);
        await Expect(row).ToHaveAttributeAsync("data-state", "Ready");
        await Expect(row).ToContainTextAsync("Pronto");
        // Time in state counts up on its own.
        var first = await row.GetByTestId("wb-time-in-state").InnerTextAsync();
        await Expect(row.GetByTestId("wb-time-in-state")).Not.ToHaveTextAsync(first, new() { Timeout = 5_000 });

        // A pause with its reason.
        (await opClient.PostAsJsonAsync("/api/v1/phone-bar/state", new { state = "paused", pauseReason = "Pranzo" })).EnsureSuccessStatusCode();
        await Expect(row).ToHaveAttributeAsync("data-state", "Paused");
        await Expect(row).ToContainTextAsync("Pranzo");

        // A predictive campaign's runner reports: dialing, dial level and calls ringing appear.
        var (campaign, _) = await kit.CampaignAsync(AbandonWindow.Day, names: 3);
        var entries = await kit.EntriesAsync(campaign.Id, 3);
        await kit.RunnerAsync(campaign, TimeSpan.Zero, level: 1.75);
        await kit.InFlightAsync(campaign, entries[0], DialerCallState.Ringing);
        await kit.InFlightAsync(campaign, entries[1], DialerCallState.Ringing);
        await bus.PublishAsync(BusTopics.Wallboard, campaign.Id.ToString());
        var card = page.Locator($"[data-testid=wb-campaign][data-campaign-id='{campaign.Id}']");
        await Expect(card).ToHaveAttributeAsync("data-dialing", "true");
        await Expect(card.GetByTestId("wb-dial-level-value")).ToHaveTextAsync("1,75");
        await Expect(card.GetByTestId("wb-ringing-value")).ToHaveTextAsync("2");
        await Expect(card.GetByTestId("wb-hold")).ToHaveCountAsync(0);

        // A person answered and talks with an operator; then the runner holds and the red line says why.
        await kit.InFlightAsync(campaign, entries[2], DialerCallState.Connected);
        await kit.RunnerAsync(campaign, TimeSpan.Zero, "NoReadyOperators", "Nessun operatore pronto: 1 collegato, in pausa.", level: 0);
        await bus.PublishAsync(BusTopics.Wallboard, campaign.Id.ToString());
        await Expect(card.GetByTestId("wb-talking-value")).ToHaveTextAsync("1");
        await Expect(card.GetByTestId("wb-abandon-now-value")).ToHaveTextAsync("0,0%");
        await Expect(card).ToHaveAttributeAsync("data-dialing", "false");
        await Expect(card.GetByTestId("wb-hold")).ToHaveTextAsync("Perché non chiama: Nessun operatore pronto: 1 collegato, in pausa.");

        // The runner stops beating (its node died, no message at all): within seconds the wallboard says it is not running.
        await Expect(card.GetByTestId("wb-running")).ToContainTextAsync("Non in esecuzione", new() { Timeout = 30_000 });
        await Expect(card.GetByTestId("wb-hold")).ToContainTextAsync("non in esecuzione");
    }
}
