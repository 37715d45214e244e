using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Tests.Infrastructure;
using Schedario.Web.Registry;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.Registry;

/// <summary>What an administrator does with the registry, in a real Chromium.</summary>
public sealed class RegistryBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_wrong_password_keeps_the_user_on_the_login_page_with_a_message()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/customers");
        await Expect(page).ToHaveURLAsync(new Regex("/login"));
        await page.Locator("input[name=userName]").FillAsync("admin");
        await page.Locator("input[name=password]").FillAsync("not-the-password");
        await page.Locator("[type=submit]").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("non validi");
    }

    [Fact]
    public async Task Admin_finds_a_record_by_a_phone_in_national_format_and_adds_a_characteristic_with_a_date()
    {
        // A record whose mobile we know, created through the API as another system would.
        using var api = await browser.App.Factory.CreateAdminClientAsync();
        var mobile = "3" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        var created = await api.PostAsJsonAsync("/api/v1/customers", new CustomerInput
        {
            Kind = "person", FirstName = "Ornella", LastName = "Browserini",
            Addresses = [new AddressDto(null, "Via Etnea", "10", "95100", "Catania", "CT", null, null)],
            Phones = [new PhoneDto(null, "+39" + mobile, null, true)],
        });
        created.EnsureSuccessStatusCode();

        var page = await browser.NewPageAsync();
        await browser.LoginAsync(page, "admin", SchedarioAppFactory.AdminPassword);
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("count-records")).Not.ToHaveTextAsync("0");

        // The dashboard's search box, typed as an operator would read the number off a note.
        var search = page.Locator("#quick-search");
        await search.FillAsync($"{mobile[..3]} {mobile[3..6]} {mobile[6..]}");
        var item = page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Browserini Ornella" });
        await item.ClickAsync();
        await Expect(page.GetByTestId("card-title")).ToHaveTextAsync("Browserini Ornella");

        // Characteristic VIAGGI (from the demo catalogue) with a date typed in Italian format.
        await page.GetByTestId("new-characteristic").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "VIAGGI" }).ClickAsync();
        var date = page.GetByLabel("Data");
        await date.FillAsync("15/03/2026");
        await date.PressAsync("Tab");
        await page.GetByTestId("add-characteristic").ClickAsync();
        var panel = page.GetByTestId("characteristics");
        await Expect(panel).ToContainTextAsync("VIAGGI");
        await Expect(panel).ToContainTextAsync("15/03/2026");
    }

    [Fact]
    public async Task A_bad_codice_fiscale_is_shown_on_the_field_and_nothing_is_saved()
    {
        var page = await browser.NewPageAsync();
        await browser.LoginAsync(page, "admin", SchedarioAppFactory.AdminPassword);
        await page.GotoAsync("/customers/new");
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.Locator("#lastName").FillAsync("Sbagliato");
        await page.Locator("#taxCode").FillAsync("RSSMRA85T10A562X");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("form-errors")).ToContainTextAsync("Codice fiscale non valido");
        await Expect(page).ToHaveURLAsync(new Regex("/customers/new$"));
    }
}
