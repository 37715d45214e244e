using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Tests.Access;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.Access;

/// <summary>
/// Issue 3's journey: an administrator creates an operator in an agency and assigns records to them
/// from the list; that operator logs in and sees only those records.
/// </summary>
public sealed class VisibilityBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_operator_created_and_given_records_by_the_administrator_sees_only_those()
    {
        var factory = browser.App.Factory;
        using var api = await factory.CreateAdminClientAsync();
        var kit = new AccessKit(factory, api);
        var agency = await kit.AgencyAsync();
        var portfolio = await kit.PortfolioTypeAsync();
        var subject = await kit.SubjectAsync("operator", agency.Id);
        var tag = "Vbt" + AccessKit.Unique();
        var surname = char.ToUpperInvariant(tag[0]) + tag[1..].ToLowerInvariant();
        for (var i = 1; i <= 3; i++) await kit.RecordAsync($"{tag}{i}");

        // 1. The administrator creates the operator in the agency, linked to the subject.
        var page = await browser.NewPageAsync();
        await browser.LoginAsAdminAsync(page);
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.GetByTestId("new-user").ClickAsync();
        var userName = "op" + AccessKit.Unique();
        await page.Locator("#user-name").FillAsync(userName);
        await page.Locator("#user-display").FillAsync("Operatore di prova");
        await page.GetByTestId("user-agency").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = agency.Name }).ClickAsync();
        await page.GetByTestId("user-subject").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = subject.Name }).ClickAsync();
        await page.Locator("#user-password").FillAsync(AccessKit.Password);
        await page.GetByTestId("save-user").ClickAsync();
        // A save on a loaded CI machine (the full suite runs beside it) can take longer than the default 5 s.
        await Expect(page.GetByTestId("users-table")).ToContainTextAsync(userName, new() { Timeout = 15_000 });

        // 2. From the list, the first two of the three records become the operator's.
        await page.GotoAsync("/customers");
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.Locator("#list-search").FillAsync(tag);
        var rows = page.GetByTestId("customer-table").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        await rows.Nth(0).Locator("input[type=checkbox]").CheckAsync();
        await rows.Nth(1).Locator("input[type=checkbox]").CheckAsync();
        await page.GetByTestId("bulk-type").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = portfolio.Name }).ClickAsync();
        await page.GetByTestId("bulk-subject").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = subject.Name }).ClickAsync();
        await page.GetByTestId("bulk-assign-go").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("2 anagrafiche aggiornate");

        // 3. The operator logs in and finds exactly those two.
        var operatorPage = await browser.NewPageAsync();
        await browser.LoginAsync(operatorPage, userName, AccessKit.Password);
        await operatorPage.GotoAsync("/customers");
        await BrowserFixture.WaitInteractiveAsync(operatorPage);
        await operatorPage.Locator("#list-search").FillAsync(tag);
        var seen = operatorPage.GetByTestId("customer-table").Locator("tbody tr");
        await Expect(seen).ToHaveCountAsync(2);
        await Expect(operatorPage.GetByTestId("customer-table")).ToContainTextAsync($"{surname}1");
        await Expect(operatorPage.GetByTestId("customer-table")).ToContainTextAsync($"{surname}2");
        await Expect(operatorPage.GetByTestId("customer-table")).Not.ToContainTextAsync($"{surname}3");
        // Administration is not theirs either.
        await Expect(operatorPage.GetByTestId("nav-admin")).ToHaveCountAsync(0);
    }
}
