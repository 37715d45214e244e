using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Dedup;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.Registry;

/// <summary>
/// The registry issue's whole journey in one sitting: an administrator imports a CSV through the UI
/// and watches it run, reads its errors, finds a record by a phone typed in national format, gives
/// it a dated characteristic, and merges two records of the same person the file brought in.
/// </summary>
public sealed class RegistryJourneyBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Import_find_by_phone_add_a_characteristic_and_merge_duplicates()
    {
        var tag = "Jrn" + Guid.NewGuid().ToString("N")[..6];
        var surname = char.ToUpperInvariant(tag[0]) + tag[1..].ToLowerInvariant();
        string Mobile() => "3" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        var findMe = Mobile();
        var csv = new StringBuilder("Codice cliente;Cognome;Nome;Cellulare;Email;Comune;Provincia\n");
        csv.Append($"{tag}-1;{tag}a;Elena;{findMe};;Lecce;LE\n");
        csv.Append($"{tag}-2;{tag}b;Marco;12;;Lecce;LE\n");                                          // bad phone
        csv.Append($"{tag}-3;{tag}dup;Rita;{Mobile()};rita1.{tag}@example.it;Lecce;LE\n");         // the same person twice,
        csv.Append($"{tag}-4;{tag}dup;Rita;{Mobile()};rita2.{tag}@example.it;Lecce;LE\n");         // other phone and e-mail
        var path = Path.Combine(Path.GetTempPath(), $"{tag}.csv");
        await File.WriteAllTextAsync(path, csv.ToString());

        var page = await browser.NewPageAsync();
        await browser.LoginAsAdminAsync(page);

        // 1. Import through the wizard.
        await page.GotoAsync("/imports");
        await BrowserFixture.WaitInteractiveAsync(page);
        var mapping = page.GetByTestId("mapping-table");
        await BrowserFixture.ChooseFileAsync(page, path, mapping);
        await page.GetByTestId("start-import").ClickAsync();
        await Expect(page.GetByTestId("import-progress")).ToContainTextAsync("Completata", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("import-counters")).ToContainTextAsync("nuove 3");
        await Expect(page.GetByTestId("import-counters")).ToContainTextAsync("scartate 1");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-errors").ClickAsync());
        Assert.Contains("3;phones[0].number;", await File.ReadAllTextAsync(await download.PathAsync()));

        // 2. Find Elena by her mobile typed as people dictate it, and note she loves travel.
        await page.GotoAsync("/");
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.Locator("#quick-search").FillAsync($"{findMe[..3]} {findMe[3..6]} {findMe[6..]}");
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = $"{surname}a Elena" }).ClickAsync();
        await Expect(page.GetByTestId("card-title")).ToHaveTextAsync($"{surname}a Elena");
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.GetByTestId("new-characteristic").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "VIAGGI" }).ClickAsync();
        var date = page.GetByLabel("Data");
        await date.FillAsync("02/11/2026");
        await date.PressAsync("Tab");
        await page.GetByTestId("add-characteristic").ClickAsync();
        await Expect(page.GetByTestId("characteristics")).ToContainTextAsync("02/11/2026");

        // 3. Merge the two Rita records (same name, same city) keeping both e-mails.
        using var api = await browser.App.Factory.CreateAdminClientAsync();
        var ritas = (await api.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={tag}dup"))!.Items;
        Assert.Equal(2, ritas.Count);
        var (first, second) = DuplicateFinder.Ordered(ritas[0].Id, ritas[1].Id);
        await page.GotoAsync("/duplicates");
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.GetByTestId($"merge-{first}-{second}").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/duplicates/merge"));
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.GetByTestId($"survivor-{first}").ClickAsync();
        await page.GetByTestId("merge-confirm").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/customers/{first}$"));

        var survivor = (await api.GetFromJsonAsync<CustomerDto>($"/api/v1/customers/{first}"))!;
        Assert.Equal(2, survivor.Emails.Count);
        Assert.Equal(2, survivor.Phones.Count);
        Assert.Single((await api.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?q={tag}dup"))!.Items);
    }
}
