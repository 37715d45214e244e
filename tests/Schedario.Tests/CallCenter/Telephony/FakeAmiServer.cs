using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Schedario.Web.CallCenter.Telephony;

namespace Schedario.Tests.CallCenter.Telephony;

/// <summary>
/// A stand-in for Asterisk's manager interface on a loopback socket: it greets with the banner,
/// answers Login (with the credentials it was given), Originate, Hangup and Redirect the way
/// Asterisk does, records every action it receives, and replays recorded event transcripts
/// (<c>Transcripts/*.txt</c>: messages separated by blank lines, <c>#</c> lines are comments).
/// </summary>
public sealed class FakeAmiServer : IAsyncDisposable
{
    public const string Banner = "Asterisk Call Manager/9.0.0";
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource stop = new();
    readonly ConcurrentQueue<AmiMessage> actions = new();
    readonly SemaphoreSlim actionArrived = new(0);
    readonly List<Task> sessions = [];
    volatile Session? current;

    public FakeAmiServer(string username, string secret)
    {
        Username = username;
        Secret = secret;
        listener.Start();
        _ = AcceptLoopAsync();
    }

    public string Username { get; }
    public string Secret { get; set; }
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;
    public IReadOnlyList<AmiMessage> Actions => actions.ToList();

    /// <summary>Waits for the <paramref name="occurrence"/>-th action named <paramref name="name"/>.</summary>
    public async Task<AmiMessage> WaitForActionAsync(string name, int occurrence = 1, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var found = actions.Where(a => a["Action"] == name).Skip(occurrence - 1).FirstOrDefault();
            if (found is not null) return found;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await actionArrived.WaitAsync(left))
                throw new TimeoutException($"No {name} action #{occurrence}; received: {string.Join(", ", actions.Select(a => a["Action"]))}");
        }
    }

    /// <summary>Sends a transcript's events to the connected client, with <c>{Name}</c> placeholders filled in.</summary>
    public async Task ReplayAsync(string transcript, IReadOnlyDictionary<string, string>? values = null)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "CallCenter", "Telephony", "Transcripts", transcript));
        foreach (var (k, v) in values ?? new Dictionary<string, string>()) text = text.Replace("{" + k + "}", v);
        var lines = text.Replace("\r\n", "\n").Split('\n').Where(l => !l.StartsWith('#'));
        var wire = string.Join("\r\n", lines).Trim('\r', '\n') + "\r\n\r\n";
        var session = current ?? throw new InvalidOperationException("No client connected.");
        await session.WriteAsync(wire);
    }

    /// <summary>Drops the client's connection, as a restarting Asterisk would.</summary>
    public void DropConnection() => current?.Client.Close();

    async Task AcceptLoopAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                var session = new Session(client);
                current = session;
                lock (sessions) sessions.Add(RunAsync(session));
            }
        }
        catch (Exception) when (stop.IsCancellationRequested) { }
        catch (ObjectDisposedException) { }
    }

    async Task RunAsync(Session s)
    {
        try
        {
            await s.WriteAsync(Banner + "\r\n");
            using var reader = new StreamReader(s.Client.GetStream(), Encoding.UTF8, false, 4096, leaveOpen: true);
            while (await AmiMessage.ReadAsync(reader, stop.Token) is { } action)
            {
                actions.Enqueue(action);
                actionArrived.Release();
                var id = action.ActionId;
                var reply = action["Action"] switch
                {
                    "Login" when action["Username"] == Username && action["Secret"] == Secret =>
                        $"Response: Success\r\nActionID: {id}\r\nMessage: Authentication accepted\r\n\r\n" +
                        "Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 3155\r\nLastReload: 3155\r\nStatus: Fully Booted\r\n\r\n",
                    "Login" => $"Response: Error\r\nActionID: {id}\r\nMessage: Authentication failed\r\n\r\n",
                    "Originate" => $"Response: Success\r\nActionID: {id}\r\nMessage: Originate successfully queued\r\n\r\n",
                    "Hangup" => $"Response: Success\r\nActionID: {id}\r\nMessage: Channel Hungup\r\n\r\n",
                    "Redirect" => $"Response: Success\r\nActionID: {id}\r\nMessage: Redirect successful\r\n\r\n",
                    "Logoff" => $"Response: Goodbye\r\nActionID: {id}\r\nMessage: Thanks for all the fish.\r\n\r\n",
                    _ => $"Response: Error\r\nActionID: {id}\r\nMessage: Invalid/unknown command\r\n\r\n",
                };
                await s.WriteAsync(reply);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException) { }
        finally
        {
            s.Client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        current?.Client.Dispose();
        Task[] all;
        lock (sessions) all = [.. sessions];
        await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(5));
        stop.Dispose();
    }

    sealed class Session(TcpClient client)
    {
        readonly SemaphoreSlim gate = new(1, 1);
        public TcpClient Client { get; } = client;

        public async Task WriteAsync(string text)
        {
            await gate.WaitAsync();
            try
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                await Client.GetStream().WriteAsync(bytes);
                await Client.GetStream().FlushAsync();
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
