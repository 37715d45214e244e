using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Schedario.BrowserTests.Infrastructure;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Dedup;
using static Microsoft.Playwright.Assertions;

namespace Schedario.BrowserTests.Registry;

/// <summary>An administrator finds a duplicate pair and merges it, in a real Chromium.</summary>
public sealed class DuplicatesBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_merges_two_records_with_the_same_phone_choosing_a_field_from_the_duplicate()
    {
        using var api = await browser.App.Factory.CreateAdminClientAsync();
        var mobile = "3" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        var last = "doppioni" + new string(Guid.NewGuid().ToString("N")[..6].Select(c => (char)('a' + c % 26)).ToArray());
        async Task<CustomerDto> Create(string first, string city, string phone, string email)
        {
            var response = await api.PostAsJsonAsync("/api/v1/customers", new CustomerInput
            {
                Kind = "person", FirstName = first, LastName = last,
                Addresses = [new AddressDto(null, "Via Garibaldi", "5", null, city, null, null, null)],
                Phones = [new PhoneDto(null, phone, null, true)],
                Emails = [new EmailDto(email, true)],
            });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<CustomerDto>())!;
        }
        var keep = await Create("Lucia", "Genova", "+39" + mobile, $"lucia.{last}@example.it");
        var other = await Create("Lucìa Maria", "Savona", $"{mobile[..3]} {mobile[3..]}", $"lm.{last}@example.it");
        var (first, second) = DuplicateFinder.Ordered(keep.Id, other.Id);

        var page = await browser.NewPageAsync();
        await browser.LoginAsAdminAsync(page);
        await page.GotoAsync("/duplicates");
        await BrowserFixture.WaitInteractiveAsync(page);
        var row = page.Locator("tr", new() { Has = page.GetByTestId($"merge-{first}-{second}") });
        await Expect(row).ToContainTextAsync("Telefono");
        await Expect(row).ToContainTextAsync($"{last[..1].ToUpperInvariant()}{last[1..]} Lucia");
        await page.GetByTestId($"merge-{first}-{second}").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/duplicates/merge"));
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("merge-view")).ToContainTextAsync("Lucìa Maria");
        await page.GetByTestId($"survivor-{keep.Id}").ClickAsync();
        await page.GetByTestId($"pick-firstName-{other.Id}").ClickAsync();
        await page.GetByTestId("merge-confirm").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/customers/{keep.Id}$"));
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("card-title")).ToHaveTextAsync($"{last[..1].ToUpperInvariant()}{last[1..]} Lucìa Maria");
        // Both e-mails are now on the survivor's card (the inputs of its e-mail section).
        var emails = await PollAsync(async () => await page.EvalOnSelectorAllAsync<string[]>("input", "els => els.map(e => e.value)"),
            values => values.Contains($"lucia.{last}@example.it") && values.Contains($"lm.{last}@example.it"));
        Assert.Contains($"lm.{last}@example.it", emails);

        // And the pair is no longer proposed.
        await page.GotoAsync("/duplicates");
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("duplicates-table")).ToBeVisibleAsync();
        await Expect(page.GetByTestId($"merge-{first}-{second}")).ToHaveCountAsync(0);
    }

    static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, int timeoutMs = 10_000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > until) return value;
            await Task.Delay(200);
        }
    }
}
