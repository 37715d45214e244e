using Npgsql;
using Schedario.Web.Data;

namespace Schedario.Web.CallCenter.PhoneBar;

/// <summary>A message between app nodes: "something about this topic changed, read it again".</summary>
public sealed record BusMessage(string Topic, string Payload);

public static class BusTopics
{
    /// <summary>The phone bar of one operator (presence, offered call, call state).</summary>
    public static string User(string userId) => "user:" + userId;

    /// <summary>Something the wallboard shows changed (a dialer runner's state, a dialer call); the payload is the campaign id, or empty.</summary>
    public const string Wallboard = "wallboard";
}

/// <summary>
/// Carries small notifications to every app node, so an event received by one node reaches an
/// operator whose browser is connected to another. The database stays the truth: a message only
/// says what to read again. One node (SQLite): in process. Several nodes on PostgreSQL: LISTEN/NOTIFY
/// (ADR 0014) — no extra server to run.
/// </summary>
public interface ICallCenterBus
{
    /// <summary>This node's name (diagnostics; written on the operator's presence).</summary>
    string NodeId { get; }

    Task PublishAsync(string topic, string payload = "", CancellationToken ct = default);

    /// <summary>Every message on this node, from whichever node published it; dispose to stop.</summary>
    IDisposable Subscribe(Func<BusMessage, Task> handler);
}

/// <summary>Delivers to this node's subscribers; a slow or failing subscriber never blocks the publisher.</summary>
public class LocalCallCenterBus(ILogger<LocalCallCenterBus> log) : ICallCenterBus
{
    protected ILogger Log { get; } = log;
    readonly Lock gate = new();
    ImmutableHandlers handlers = new([]);

    public string NodeId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    public virtual Task PublishAsync(string topic, string payload = "", CancellationToken ct = default)
    {
        Deliver(new BusMessage(topic, payload));
        return Task.CompletedTask;
    }

    public IDisposable Subscribe(Func<BusMessage, Task> handler)
    {
        lock (gate) handlers = new([.. handlers.List, handler]);
        return new Unsubscribe(() => { lock (gate) handlers = new(handlers.List.Where(h => h != handler).ToArray()); });
    }

    protected void Deliver(BusMessage message)
    {
        foreach (var h in handlers.List)
            _ = Safe(h, message);
    }

    async Task Safe(Func<BusMessage, Task> handler, BusMessage message)
    {
        try { await handler(message); }
        catch (Exception e) { Log.LogWarning(e, "A bus subscriber failed on {Topic}", message.Topic); }
    }

    sealed record ImmutableHandlers(Func<BusMessage, Task>[] List);

    sealed class Unsubscribe(Action action) : IDisposable
    {
        int done;
        public void Dispose() { if (Interlocked.Exchange(ref done, 1) == 0) action(); }
    }
}

/// <summary>
/// PostgreSQL LISTEN/NOTIFY: every node listens on one channel on a dedicated connection and
/// publishes with <c>pg_notify</c>; a node receives its own messages the same way, so delivery is
/// identical wherever the event came in. The listener reconnects on its own after a failure.
/// </summary>
public sealed class PostgresCallCenterBus(string connectionString, ILogger<LocalCallCenterBus> log)
    : LocalCallCenterBus(log), IHostedService, IDisposable
{
    public const string Channel = "schedario_bus";
    readonly CancellationTokenSource stopping = new();
    readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Task? loop;

    public override async Task PublishAsync(string topic, string payload = "", CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT pg_notify(@c, @p)", conn);
        cmd.Parameters.AddWithValue("c", Channel);
        cmd.Parameters.AddWithValue("p", topic + "\n" + payload);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task StartAsync(CancellationToken ct)
    {
        loop = Task.Run(() => ListenAsync(stopping.Token), CancellationToken.None);
        // Start-up waits (briefly) until this node hears the channel, so no message sent just after is missed.
        await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(10), ct));
    }

    async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(connectionString);
                await conn.OpenAsync(ct);
                conn.Notification += (_, e) =>
                {
                    var cut = e.Payload.IndexOf('\n');
                    Deliver(cut < 0 ? new BusMessage(e.Payload, "") : new BusMessage(e.Payload[..cut], e.Payload[(cut + 1)..]));
                };
                await using (var cmd = new NpgsqlCommand($"LISTEN {Channel}", conn)) await cmd.ExecuteNonQueryAsync(ct);
                listening.TrySetResult();
                while (!ct.IsCancellationRequested) await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                Log.LogWarning(e, "Bus listener lost its PostgreSQL connection; reconnecting");
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    public async Task StopAsync(CancellationToken ct)
    {
        // A host may be stopped after its services were disposed (a test host torn down twice): nothing left to stop.
        if (Volatile.Read(ref disposed) == 1) return;
        await stopping.CancelAsync();
        if (loop is not null) await Task.WhenAny(loop, Task.Delay(Timeout.Infinite, ct));
    }

    int disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        stopping.Cancel();
        stopping.Dispose();
    }
}

public static class CallCenterBusSetup
{
    public static IServiceCollection AddCallCenterBus(this IServiceCollection services, IConfiguration configuration)
    {
        if (DataSetup.ReadProvider(configuration) == DatabaseProvider.Postgres)
        {
            services.AddSingleton(sp => new PostgresCallCenterBus(configuration.GetConnectionString("Schedario")!, sp.GetRequiredService<ILogger<LocalCallCenterBus>>()));
            services.AddSingleton<ICallCenterBus>(sp => sp.GetRequiredService<PostgresCallCenterBus>());
            services.AddHostedService(sp => sp.GetRequiredService<PostgresCallCenterBus>());
        }
        else services.AddSingleton<ICallCenterBus, LocalCallCenterBus>();
        return services;
    }
}
