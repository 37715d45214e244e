using Schedario.Web.CallCenter.PhoneBar;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Wallboard;

/// <summary>
/// Pushes the wallboard to the pages open on this node. One reader for all of them: on a bus message
/// (a dialer runner's <see cref="BusTopics.Wallboard"/>, an operator's <c>user:</c> topic) or every
/// <see cref="Period"/> it reads one snapshot, at most one per <see cref="MinInterval"/> however many
/// messages arrive, and hands it to every page. Ten supervisors watching cost what one does. It listens
/// to the bus only while a page is open.
/// </summary>
public sealed class WallboardFeed(IServiceScopeFactory scopes, ICallCenterBus bus, TimeProvider clock, ILogger<WallboardFeed> log) : IDisposable
{
    /// <summary>Reads coalesce: at most one snapshot per this interval.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Read even without a message: a runner that died sends none, and the windows move.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(3);

    readonly Lock gate = new();
    Func<WallboardDto, Task>[] listeners = [];
    IDisposable? subscription;
    ITimer? timer;
    bool reading, again;
    long lastReadTicks;
    WallboardDto? latest;

    /// <summary>Calls <paramref name="listener"/> with every new snapshot until disposed.</summary>
    public IDisposable Subscribe(Func<WallboardDto, Task> listener)
    {
        lock (gate)
        {
            listeners = [.. listeners, listener];
            if (listeners.Length == 1)
            {
                subscription = bus.Subscribe(OnMessage);
                timer = clock.CreateTimer(_ => Poke(), null, Period, Period);
            }
        }
        return new Unsubscribe(() =>
        {
            IDisposable? sub = null;
            ITimer? t = null;
            lock (gate)
            {
                listeners = listeners.Where(l => l != listener).ToArray();
                if (listeners.Length == 0) { (sub, t, subscription, timer) = (subscription, timer, null, null); }
            }
            sub?.Dispose();
            t?.Dispose();
        });
    }

    /// <summary>A snapshot for a page that just opened: the latest if under <see cref="MinInterval"/> old, else a fresh read.</summary>
    public async Task<WallboardDto> CurrentAsync(CancellationToken ct = default)
    {
        var l = latest;
        if (l is not null && clock.GetUtcNow().UtcDateTime - l.At < MinInterval) return l;
        var read = await scopes.Use<WallboardService, WallboardDto>(s => s.SnapshotAsync(ct));
        latest = read;
        return read;
    }

    Task OnMessage(BusMessage m)
    {
        if (m.Topic == BusTopics.Wallboard || m.Topic.StartsWith("user:", StringComparison.Ordinal)) Poke();
        return Task.CompletedTask;
    }

    /// <summary>Something changed: read soon (now, or when the interval since the last read is over); a read under way reads once more after.</summary>
    void Poke()
    {
        lock (gate)
        {
            if (listeners.Length == 0) return;
            if (reading) { again = true; return; }
            reading = true;
        }
        _ = ReadAsync();
    }

    async Task ReadAsync()
    {
        while (true)
        {
            try
            {
                var wait = MinInterval - clock.GetElapsedTime(Interlocked.Read(ref lastReadTicks));
                if (Interlocked.Read(ref lastReadTicks) != 0 && wait > TimeSpan.Zero) await Task.Delay(wait, clock);
                Interlocked.Exchange(ref lastReadTicks, clock.GetTimestamp());
                var board = await scopes.Use<WallboardService, WallboardDto>(s => s.SnapshotAsync());
                latest = board;
                Func<WallboardDto, Task>[] now;
                lock (gate) now = listeners;
                foreach (var l in now)
                {
                    try { await l(board); }
                    catch (Exception e) { log.LogDebug(e, "A wallboard page failed to take a snapshot"); }
                }
            }
            catch (Exception e) { log.LogWarning(e, "Reading the wallboard failed"); }
            lock (gate)
            {
                if (!again || listeners.Length == 0) { reading = false; again = false; return; }
                again = false;
            }
        }
    }

    public void Dispose()
    {
        lock (gate) { listeners = []; }
        subscription?.Dispose();
        timer?.Dispose();
    }

    sealed class Unsubscribe(Action action) : IDisposable
    {
        int done;
        public void Dispose() { if (Interlocked.Exchange(ref done, 1) == 0) action(); }
    }
}
