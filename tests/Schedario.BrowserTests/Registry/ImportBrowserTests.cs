using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.Registry;

public sealed class ImportBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_imports_a_csv_sees_its_progress_and_downloads_its_errors()
    {
        var tag = "Csv" + Guid.NewGuid().ToString("N")[..6];
        var csv = new StringBuilder("Codice cliente;Cognome;Nome;Cellulare;Comune;Provincia\n");
        for (var i = 0; i < 30; i++)
        {
            csv.Append($"{tag}-{i};{tag}{i:00};Paola;3{Random.Shared.NextInt64(100_000_000, 999_999_999)};Bari;BA\n");
            if (i == 0) csv.Append($"{tag}-x;{tag}xx;Piero;123;Bari;BA\n"); // row 3: a phone that is not a phone
        }
        var path = Path.Combine(Path.GetTempPath(), $"{tag}.csv");
        await File.WriteAllTextAsync(path, csv.ToString());

        var page = await browser.NewPageAsync();
        await browser.LoginAsync(page, "admin", SchedarioAppFactory.AdminPassword);
        await page.GotoAsync("/imports");
        await BrowserFixture.WaitInteractiveAsync(page);
        var mapping = page.GetByTestId("mapping-table");
        await BrowserFixture.ChooseFileAsync(page, path, mapping);

        // The mapping is suggested from the Italian headers; the bad row is flagged in the preview.
        await Expect(mapping).ToContainTextAsync("Cellulare");
        await Expect(mapping.Locator("tr", new() { HasText = "Piero" })).ToContainTextAsync("⚠");
        await page.GetByTestId("start-import").ClickAsync();

        var progress = page.GetByTestId("import-progress");
        await Expect(progress).ToContainTextAsync("Completata", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("import-counters")).ToContainTextAsync("Righe lette 31 di 31 · nuove 30");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-errors").ClickAsync());
        var report = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains("3;phones[0].number;", report);
        Assert.Contains("Piero", report);

        // The imported names are in the registry at once.
        await page.GotoAsync("/customers");
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.Locator("#list-search").FillAsync(tag);
        await Expect(page.GetByTestId("customer-table")).ToContainTextAsync($"{tag}00 Paola");
        await Expect(page.GetByTestId("customer-table")).ToContainTextAsync(new Regex("Bari"));
    }
}
