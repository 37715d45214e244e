using Microsoft.Playwright;
using Schedario.Tests.Infrastructure;

namespace Schedario.BrowserTests.Infrastructure;

/// <summary>
/// One app server (<see cref="AppServer"/>: Kestrel, fresh SQLite file, demo data) and one headless
/// Debian Chromium driven by Playwright, shared by the tests of one class.
/// </summary>
/// <example>
/// <code>
/// public sealed class LoginTests(BrowserFixture browser) : IClassFixture&lt;BrowserFixture&gt;
/// {
///     [Fact]
///     public async Task Admin_reaches_the_home_page()
///     {
///         var page = await browser.NewPageAsync();
///         await browser.LoginAsync(page, "admin", SchedarioAppFactory.AdminPassword);
///         await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Schedario" })).ToBeVisibleAsync();
///     }
/// }
/// </code>
/// Each <see cref="NewPageAsync"/> opens a fresh browser context (own cookies, locale it-IT,
/// 1400x900), so tests of one class do not share a login; they do share the app's database.
/// Relative URLs work: <c>page.GotoAsync("/customers")</c> goes to <see cref="BaseUrl"/>/customers.
/// The browser is /usr/bin/chromium (Debian's package): never run <c>playwright install</c>.
/// </example>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium, installed by ./test.sh when missing.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private readonly List<IBrowserContext> contexts = [];
    private AppServer? app;
    private IPlaywright? playwright;
    private IBrowser? browser;

    /// <summary>The app under test; its <c>Factory.Services</c> reach the app's services.</summary>
    public AppServer App => app ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>Where the app listens, without a trailing slash.</summary>
    public string BaseUrl => App.BaseUrl;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (./test.sh does). Do not run `playwright install`.");

        var starting = AppServer.StartAsync();
        try
        {
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
            });
        }
        finally
        {
            // Keep the server even if the browser failed, so that DisposeAsync stops it.
            app = await starting;
        }
    }

    /// <summary>A page in a fresh browser context: Italian locale, 1400x900, base URL set.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "it-IT",
            TimezoneId = "Europe/Rome",
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            BaseURL = BaseUrl,
        });
        lock (contexts)
            contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Logs in through the app's login form at /login (inputs named <c>userName</c> and
    /// <c>password</c>, a submit button) and waits until the browser has left /login.
    /// </summary>
    public async Task LoginAsync(IPage page, string user, string password)
    {
        await page.GotoAsync($"{BaseUrl}/login");
        var userName = page.Locator("input[name=userName]");
        await userName.FillAsync(user);
        await page.Locator("input[name=password]").FillAsync(password);
        await page.Locator("form:has(input[name=userName]) [type=submit]").ClickAsync();
        try
        {
            await page.WaitForURLAsync(
                url => !new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.OrdinalIgnoreCase),
                new PageWaitForURLOptions { Timeout = 30_000 });
        }
        catch (TimeoutException e)
        {
            var text = await page.Locator("body").InnerTextAsync();
            throw new InvalidOperationException(
                $"Login as '{user}' did not leave /login within 30 s (still at {page.Url}). The page says:\n{text}", e);
        }
    }

    /// <summary>Logs in as <c>admin</c> with the test admin password.</summary>
    /// <summary>
    /// Waits until the page's Blazor circuit is connected: before that a page is only prerendered
    /// HTML, and clicks or typing do not reach the server.
    /// </summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    /// <summary>
    /// Chooses a file in a Blazor InputFile and waits for <paramref name="ready"/>. InputFile wires its
    /// JavaScript just after the first interactive render, so a file chosen in that instant is
    /// missed: choose it again until the page reacts (a person is never that fast).
    /// </summary>
    public static async Task ChooseFileAsync(IPage page, string path, ILocator ready)
    {
        var input = page.Locator("input[type=file]");
        for (var attempt = 0; attempt < 10 && !await ready.IsVisibleAsync(); attempt++)
        {
            // Once the page has taken the file it disables or removes the input while it uploads:
            // from then on only wait, choosing again would block on a disabled input.
            if (await input.CountAsync() == 0 || await input.IsDisabledAsync())
                break;
            try
            {
                await input.SetInputFilesAsync(path, new() { Timeout = 5_000 });
                await input.DispatchEventAsync("change", null, new() { Timeout = 5_000 });
            }
            catch (TimeoutException)
            {
                // The page took the file between the check and the choice and moved on: look again.
                continue;
            }
            try { await ready.WaitForAsync(new() { Timeout = 2_000 }); } catch (TimeoutException) { }
        }
        await ready.WaitForAsync(new() { Timeout = 30_000 });
    }

    public Task LoginAsAdminAsync(IPage page) =>
        LoginAsync(page, SchedarioAppFactory.AdminUserName, SchedarioAppFactory.AdminPassword);

    public async Task DisposeAsync()
    {
        IBrowserContext[] open;
        lock (contexts)
            open = [.. contexts];
        foreach (var context in open)
        {
            try
            {
                await context.CloseAsync();
            }
            catch (PlaywrightException)
            {
            }
        }
        if (browser is not null)
            await browser.CloseAsync();
        playwright?.Dispose();
        if (app is not null)
            await app.DisposeAsync();
    }
}
