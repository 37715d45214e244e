using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Tests.CallCenter.Dialer.Service;
using Schedario.Tests.CallCenter.Inbound;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Campaigns;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.CallCenter;

/// <summary>
/// The wallboard while a real predictive campaign runs (issue 6: "a browser test in which the wallboard
/// updates"): the real dialer service dials through the simulated PBX for four operators (API clients that
/// talk a few seconds, hang up and close each name), and the supervisor's open page follows the calls
/// ringing and talking, the dial level and the contacts without a reload; stopping the dialer turns the
/// campaign red with the reason.
/// </summary>
public sealed class WallboardDialerBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    const int Operators = 4;

    [Fact]
    public async Task The_wallboard_follows_a_running_predictive_campaign_and_says_when_it_is_stopped()
    {
        var factory = browser.App.Factory;
        // This class has its own app and PBX: people answer after 2 s, unanswered numbers ring 6 s, busy ones fail after 1 s.
        var sim = factory.Services.GetRequiredService<IOptions<SimulatedPbxOptions>>().Value;
        sim.AnswerAfterSeconds = 2;
        sim.RingOutSeconds = 6;
        sim.FailAfterSeconds = 1;
        sim.HangUpAfterSeconds = null;
        using var admin = await factory.CreateAdminClientAsync();
        var kit = new DialerKit(factory, admin);
        await kit.RegisterCheckedAsync();
        var campaign = await kit.CampaignAsync(mode: "predictive");
        // 60 names: one in two answers, one in three rings out, one in six is busy (a list better than most).
        var names = await kit.NamesAsync(campaign.Id, 60, SimulatedOutcome.Answer);
        for (var i = 0; i < names.Count; i++)
            kit.Pbx.SetOutcome(names[i].Phone, (i % 6) switch { 1 or 3 => SimulatedOutcome.NoAnswer, 5 => SimulatedOutcome.Busy, _ => SimulatedOutcome.Answer });
        var ops = await kit.OperatorsAsync(campaign.Id, Operators);

        // The supervisor has the wallboard open: the campaign is there (operators joined it), not dialing yet.
        var page = await browser.NewPageAsync();
        await browser.LoginAsAdminAsync(page);
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.GetByTestId("nav-wallboard").ClickAsync();
        await page.WaitForURLAsync("**/supervisor/wallboard");
        await BrowserFixture.WaitInteractiveAsync(page);
        // Anything below must come without a reload: a reload would lose this.
        await page.EvaluateAsync("() => window.wallboardNotReloaded = true");
        var card = page.Locator($"[data-testid=wb-campaign][data-campaign-id='{campaign.Id}']");
        await Expect(card).ToHaveAttributeAsync("data-dialing", "false");
        await Expect(card.GetByTestId("wb-operators-value")).ToHaveTextAsync($"{Operators} / {Operators}");
        await Expect(card.GetByTestId("wb-ringing-value")).ToHaveTextAsync("0");
        await Expect(card.GetByTestId("wb-talking-value")).ToHaveTextAsync("0");
        // A predictive campaign shows the calls its dialer ended unanswered today, and the minimum ring.
        await Expect(card.GetByTestId("wb-hung-up")).ToContainTextAsync("dopo almeno 15 s di squilli");

        // Start; the operators work their calls while the supervisor watches.
        using var stopOperators = new CancellationTokenSource();
        var working = Task.Run(() => WorkCallsAsync(kit, campaign.Id, ops, stopOperators.Token));
        try
        {
            await kit.StartAsync(campaign.Id);
            var some = new Regex("^[1-9][0-9]*$");
            await Expect(card).ToHaveAttributeAsync("data-dialing", "true", new() { Timeout = 20_000 });
            await Expect(card.GetByTestId("wb-running")).ToContainTextAsync("In esecuzione");
            await Expect(card.GetByTestId("wb-ringing-value")).ToHaveTextAsync(some, new() { Timeout = 20_000 });
            await Expect(card.GetByTestId("wb-dial-level-value")).Not.ToHaveTextAsync("0,00", new() { Timeout = 20_000 });
            await Expect(card.GetByTestId("wb-talking-value")).ToHaveTextAsync(some, new() { Timeout = 20_000 });
            // Names closed by the operators count as contacts (people reached) in the last hour.
            await Expect(card.GetByTestId("wb-contacts-value")).ToHaveTextAsync(some, new() { Timeout = 30_000 });
            await Expect(page.GetByTestId("wb-tile-talking-value")).ToHaveTextAsync(some);

            // The supervisor stops the dialer: the campaign turns red and says why nothing is dialed;
            // calls in flight are followed to their end.
            await kit.StopAsync(campaign.Id);
            await Expect(card).ToHaveAttributeAsync("data-dialing", "false", new() { Timeout = 20_000 });
            await Expect(card.GetByTestId("wb-hold")).ToContainTextAsync("Perché non chiama");
            await Expect(card.GetByTestId("wb-hold")).ToHaveAttributeAsync("data-hold", "Stopped");
            await Expect(card.GetByTestId("wb-ringing-value")).ToHaveTextAsync("0", new() { Timeout = 30_000 });
            await Expect(card.GetByTestId("wb-talking-value")).ToHaveTextAsync("0", new() { Timeout = 30_000 });
        }
        finally
        {
            await stopOperators.CancelAsync();
            await working;
        }
        Assert.True(await page.EvaluateAsync<bool>("() => window.wallboardNotReloaded === true"));
        var dialed = await kit.CallsAsync(campaign.Id);
        Assert.Contains(dialed, c => c.Result == Schedario.Web.CallCenter.Dialer.DialerCallResult.Talked);
    }

    /// <summary>
    /// The operators' side, through the API as their desks would: a connected call is talked for about two
    /// seconds, hung up, and its name closed as NON INTERESSATO, which makes the operator ready again.
    /// </summary>
    static async Task WorkCallsAsync(DialerKit kit, int campaignId, List<(string Id, string UserName, HttpClient Client)> ops, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            foreach (var op in ops)
            {
                try
                {
                    var bar = await InboundKit.BarAsync(op.Client);
                    if (bar.State == "OnCall" && DateTime.UtcNow - bar.StateSince > TimeSpan.FromSeconds(2))
                        await op.Client.PostAsync("/api/v1/phone-bar/hangup", null, ct);
                    else if (bar.State == "WrapUp")
                    {
                        var entry = await kit.WithDbAsync(db => db.CampaignEntries().AsNoTracking()
                            .Where(e => e.CampaignId == campaignId && e.LeaseHolder == op.Id).Select(e => (long?)e.Id).FirstOrDefaultAsync(ct));
                        if (entry is { } id)
                            await op.Client.PostAsJsonAsync($"/api/v1/campaign-entries/{id}/close", new { outcomeCode = "NON INTERESSATO" }, ct);
                    }
                }
                catch (Exception) when (ct.IsCancellationRequested) { return; }
            }
            try { await Task.Delay(250, ct); }
            catch (OperationCanceledException) { return; }
        }
    }
}
