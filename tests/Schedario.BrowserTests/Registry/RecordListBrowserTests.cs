using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.Registry;

public sealed class RecordListBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_list_filters_by_city_hides_a_column_and_speaks_english_on_request()
    {
        var page = await browser.NewPageAsync();
        await browser.LoginAsAdminAsync(page);
        await page.GotoAsync("/customers");
        await BrowserFixture.WaitInteractiveAsync(page);
        var table = page.GetByTestId("customer-table");
        await Expect(table.Locator("tbody tr").First).ToBeVisibleAsync();

        // Advanced filter: the demo data has people in Roma.
        await page.GetByTestId("advanced-toggle").ClickAsync();
        await page.Locator("#filter-city").FillAsync("Roma");
        await page.Locator("#filter-city").PressAsync("Enter");
        await Expect(table.Locator("tbody tr").First).ToContainTextAsync("Roma");
        // Columns: selection box, name, kind, stage, city.
        var cities = await table.Locator("tbody tr td:nth-child(5)").AllInnerTextsAsync();
        Assert.NotEmpty(cities);
        Assert.All(cities, c => Assert.Equal("Roma", c.Trim()));

        // Column choice: hide the e-mail column.
        await Expect(table.Locator("thead")).ToContainTextAsync("E-mail");
        await page.GetByTestId("columns-menu").ClickAsync();
        await page.Locator(".mud-popover-open label", new() { HasText = "E-mail" }).ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(table.Locator("thead")).Not.ToContainTextAsync("E-mail");

        // English on request, Italian by default.
        await page.GetByRole(AriaRole.Link, new() { Name = "EN", Exact = true }).ClickAsync();
        await BrowserFixture.WaitInteractiveAsync(page);
        // A language switch reloads the page: on a loaded CI machine that takes more than the default 5 s.
        await Expect(page.Locator("h4").First).ToHaveTextAsync("Records", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "IT", Exact = true }).ClickAsync();
        await Expect(page.Locator("h4").First).ToHaveTextAsync("Anagrafiche", new() { Timeout = 30_000 });
    }
}
