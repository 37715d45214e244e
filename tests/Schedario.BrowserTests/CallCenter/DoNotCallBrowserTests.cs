using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.CallCenter;

public sealed class DoNotCallBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_uploads_the_register_sees_the_malformed_lines_and_finds_a_number()
    {
        string a = "3" + Random.Shared.Next(20, 99) + Random.Shared.Next(1_000_000, 9_999_999), b = "+39 3" + Random.Shared.Next(20, 99) + Random.Shared.Next(1_000_000, 9_999_999);
        var path = Path.Combine(Path.GetTempPath(), $"rpo-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, $"numero\n{a}\nnon è un numero\n\n{b}\n12\n");

        var page = await browser.NewPageAsync();
        await browser.LoginAsync(page, "admin", SchedarioAppFactory.AdminPassword);
        await page.GotoAsync("/admin/do-not-call");
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("rpo-status")).ToContainTextAsync("mai stato controllato");

        var result = page.GetByTestId("rpo-result");
        await BrowserFixture.ChooseFileAsync(page, path, result);
        await Expect(result).ToContainTextAsync("4 righe, 2 numeri nel registro, 2 aggiunti, 0 tolti, 2 righe non valide");
        await Expect(page.GetByTestId("rpo-malformed")).ToContainTextAsync("riga 3");
        await Expect(page.GetByTestId("rpo-malformed")).ToContainTextAsync("riga 6");
        await Expect(page.GetByTestId("rpo-status")).ToContainTextAsync("controllo valido");
        await Expect(page.GetByTestId("rpo-history").Locator("tbody tr")).ToHaveCountAsync(1);

        await page.Locator("#dnc-search").FillAsync(a);
        await Expect(page.GetByTestId("dnc-list")).ToContainTextAsync("Registro delle opposizioni");
        await Expect(page.GetByTestId("dnc-list").Locator("tbody tr")).ToHaveCountAsync(1);
    }
}
