using System.Net.Http.Json;
using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Tests.Access;
using Schedario.Tests.CallCenter.Inbound;
using Schedario.Tests.CallCenter.Mail;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.CallCenter;

/// <summary>
/// Seed 003 end to end in a real browser: an operator opens the phone bar and goes ready, a simulated
/// call rings, the bar shows the caller and that it is their customer, the operator accepts, the
/// screen shows the record and its last contacts, a mail goes out to a real SMTP server (maildev),
/// and the call is closed with every required field.
/// </summary>
public sealed class InboundBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    readonly MailDevServer mailDev = new();

    public Task InitializeAsync() => mailDev.StartAsync();

    public async Task DisposeAsync() => await mailDev.DisposeAsync();

    [Fact]
    public async Task An_operator_answers_a_call_sees_the_caller_sends_a_mail_and_closes_it()
    {
        var factory = browser.App.Factory;
        using var admin = await factory.CreateAdminClientAsync();
        foreach (var (code, value) in new (string, object)[] { ("SMTPHOST", "127.0.0.1"), ("SMTPPORT", mailDev.SmtpPort), ("SMTPSECURITY", "none") })
            (await admin.PutAsJsonAsync($"/api/v1/settings/{code}", new { value })).EnsureSuccessStatusCode();
        var kit = new InboundKit(factory, admin);
        var portfolio = await kit.Access.PortfolioTypeAsync();
        var (service, ops) = await kit.ServiceAsync(1, portfolio.Id);
        var op = ops[0];
        var surname = "Brw" + AccessKit.Unique();
        var (record, phone) = await kit.Access.RecordAsync(surname, portfolio.Id, op.SubjectId);
        await kit.SeedHistoryAsync(record.Id, inbound: 2, outbound: 2);

        // The operator logs in, opens the phone bar and goes ready.
        var page = await browser.NewPageAsync();
        await browser.LoginAsync(page, op.UserName, AccessKit.Password);
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.GetByTestId("bar-open").ClickAsync();
        await page.GetByTestId("bar-ready").ClickAsync();
        await Expect(page.GetByTestId("phone-bar")).ToHaveAttributeAsync("data-state", "Ready");

        // A call rings: the bar shows who it is and that it is one of theirs, before answering.
        await kit.RingAsync(phone, service.Number);
        await Expect(page.GetByTestId("phone-bar")).ToHaveAttributeAsync("data-state", "Ringing");
        await Expect(page.GetByTestId("bar-caller")).ToContainTextAsync(record.DisplayName);
        await Expect(page.GetByTestId("bar-owner")).ToContainTextAsync("Tuo cliente");
        await Expect(page.GetByTestId("bar-pop")).ToContainTextAsync(record.DisplayName);
        await Expect(page.GetByTestId("pop-contact")).ToHaveCountAsync(4);

        // Accept: the inbound screen opens on the identified record with its last contacts (2 + 2).
        await page.GetByTestId("bar-accept").ClickAsync();
        await page.WaitForURLAsync("**/inbound/*");
        await Expect(page.GetByTestId("inbound-name")).ToHaveTextAsync(record.DisplayName);
        await Expect(page.GetByTestId("inbound-owner")).ToContainTextAsync("Tuo cliente");
        await Expect(page.GetByTestId("contact-row")).ToHaveCountAsync(4);
        await Expect(page.Locator("[data-testid=contact-row][data-kind=inbound]")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("phone-bar")).ToHaveAttributeAsync("data-state", "OnCall");

        // While on the line, a mail from the template goes to the record's address.
        await page.GetByTestId("inbound-mail").ClickAsync();
        await page.GetByTestId("mail-template").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Riepilogo della telefonata" }).ClickAsync();
        await Expect(page.GetByTestId("mail-to")).ToContainTextAsync(record.Emails[0].Address!);
        await page.GetByTestId("mail-send").ClickAsync();
        await Expect(page.GetByTestId("send-mail-dialog")).ToHaveCountAsync(0);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<System.Text.Json.JsonElement> received;
        while ((received = await mailDev.EmailsToAsync(record.Emails[0].Address!)).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Single(received);

        // Closing without the required fields is refused; with them the contact closes and the bar is ready again.
        await page.GetByTestId("close-submit").ClickAsync();
        await Expect(page.Locator(".mud-snackbar", new() { HasText = "Correggere i campi evidenziati" })).ToBeVisibleAsync();
        await ChooseAsync(page, "close-outcome", "Richiesta evasa");
        await ChooseAsync(page, "close-action", "Inviare documentazione");
        await ChooseAsync(page, "close-group", "Richiesta informazioni");
        await ChooseAsync(page, "close-detail", "Informazioni sul contratto");
        await Expect(Field(page, "close-name")).ToHaveValueAsync(record.DisplayName);
        await page.GetByTestId("close-consent-yes").ClickAsync();
        await ChooseAsync(page, "close-doctype", "Carta d'identità");
        await Field(page, "close-docnumber").FillAsync("CA1234567");
        await Field(page, "close-notes").FillAsync("Inviato il riepilogo per mail.");
        await page.GetByTestId("close-submit").ClickAsync();
        await Expect(page.GetByTestId("inbound-closed")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("inbound-status")).ToHaveTextAsync("Risolto");
        await Expect(page.GetByTestId("phone-bar")).ToHaveAttributeAsync("data-state", "Ready");

        // Logging out closes the bar at once: no call is offered to someone who has left.
        await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();
        await page.WaitForURLAsync("**/login**");
        Assert.Equal("Offline", (await InboundKit.BarAsync(op.Client)).State);
    }

    /// <summary>The input of a MudTextField, wherever MudBlazor puts the test id.</summary>
    static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea").First;

    static async Task ChooseAsync(IPage page, string testId, string item)
    {
        await page.GetByTestId(testId).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = item }).First.ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }
}
