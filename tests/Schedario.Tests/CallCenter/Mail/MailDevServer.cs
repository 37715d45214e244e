using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Schedario.Tests.Infrastructure;

namespace Schedario.Tests.CallCenter.Mail;

/// <summary>
/// A real SMTP server for the tests: the npm package <c>maildev</c> (tests/tools/package.json,
/// installed by test.sh with <c>npm ci --prefix tests/tools</c>), started on two free loopback
/// ports with its mails kept in a temporary directory. Its REST API (<c>GET /api/email</c>) says
/// what arrived, with to, cc, subject and text.
/// </summary>
public sealed class MailDevServer : IAsyncDisposable
{
    static readonly SemaphoreSlim InstallGate = new(1, 1);
    Process? process;
    readonly StringBuilder output = new();
    readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    string? directory;

    public int SmtpPort { get; private set; }
    public int WebPort { get; private set; }

    public async Task StartAsync()
    {
        var tools = Path.Combine(RepositoryRoot(), "tests", "tools");
        var script = Path.Combine(tools, "node_modules", "maildev", "dist", "bin", "maildev.js");
        await EnsureInstalledAsync(tools, script);
        SmtpPort = FreePort();
        WebPort = FreePort();
        directory = Path.Combine(Path.GetTempPath(), "schedario-maildev-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, "--smtp", SmtpPort.ToString(), "--ip", "127.0.0.1", "--web", WebPort.ToString(), "--web-ip", "127.0.0.1",
                "--mail-directory", directory, "--silent" },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        try { process = Process.Start(start) ?? throw new InvalidOperationException("node did not start"); }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException("The mail tests need Node.js (`node` on PATH) to run maildev.", e); }
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"maildev exited with {process.ExitCode}: {Output}");
            if (await ListensAsync()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"maildev did not listen within 30 s: {Output}");
            await Task.Delay(200);
        }
    }

    string Output { get { lock (output) return output.ToString(); } }

    async Task<bool> ListensAsync()
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, SmtpPort);
            return await http.GetStringAsync($"http://127.0.0.1:{WebPort}/api/healthz") is var body && body.Contains("true");
        }
        catch (Exception e) when (e is SocketException or HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The mails received so far, as maildev's JSON.</summary>
    public async Task<List<JsonElement>> EmailsAsync()
    {
        var json = await http.GetStringAsync($"http://127.0.0.1:{WebPort}/api/email");
        return JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>The mails whose To includes <paramref name="address"/>.</summary>
    public async Task<List<JsonElement>> EmailsToAsync(string address) =>
        (await EmailsAsync()).Where(e => Addresses(e, "to").Contains(address, StringComparer.OrdinalIgnoreCase)).ToList();

    /// <summary>The addresses of a received mail's to or cc list.</summary>
    public static List<string> Addresses(JsonElement mail, string list) =>
        mail.TryGetProperty(list, out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().Select(a => a.GetProperty("address").GetString()!).ToList()
            : [];

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process?.Dispose();
        http.Dispose();
        if (directory is not null)
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>test.sh installs maildev; a bare <c>dotnet test</c> on a fresh clone installs it here, once.</summary>
    static async Task EnsureInstalledAsync(string tools, string script)
    {
        if (File.Exists(script)) return;
        await InstallGate.WaitAsync();
        try
        {
            if (File.Exists(script)) return;
            var npm = new ProcessStartInfo("npm") { ArgumentList = { "ci", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error" },
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            Process p;
            try { p = Process.Start(npm)!; }
            catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException("maildev is not installed and `npm` is not on PATH: install Node.js and run `npm ci --prefix tests/tools`.", e); }
            using (p)
            {
                var err = p.StandardError.ReadToEndAsync();
                await p.StandardOutput.ReadToEndAsync();
                await p.WaitForExitAsync();
                if (p.ExitCode != 0 || !File.Exists(script))
                    throw new InvalidOperationException($"`npm ci --prefix tests/tools` failed ({p.ExitCode}): {await err}");
            }
        }
        finally { InstallGate.Release(); }
    }

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A loopback port nothing listens on: an SMTP server that is down.</summary>
    public static int ClosedPort() => FreePort();

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "tests", "tools", "package.json"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find tests/tools/package.json above " + AppContext.BaseDirectory);
    }
}

/// <summary>The app on a fresh database plus a maildev of its own.</summary>
public abstract class MailAppFixture(DbProvider provider) : AppFixture(provider)
{
    public MailDevServer MailDev { get; } = new();

    public override async Task InitializeAsync()
    {
        await MailDev.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await MailDev.DisposeAsync();
    }
}

public sealed class SqliteMailFixture() : MailAppFixture(DbProvider.Sqlite);
public sealed class PostgresMailFixture() : MailAppFixture(DbProvider.Postgres);
