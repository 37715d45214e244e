using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.Data;

namespace Schedario.Tests.CallCenter.Telephony;

/// <summary>The app with a webhook secret and two test observers (one records, one throws for calls named "boom-…").</summary>
public sealed class TelephonyAppFactory(DbProvider provider) : SchedarioAppFactory(provider)
{
    public const string WebhookSecret = "prova-segreta-del-webhook";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Telephony:WebhookSecret", WebhookSecret);
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<ThrowingObserver>();
            s.AddSingleton<ITelephonyCallObserver>(sp => sp.GetRequiredService<ThrowingObserver>());
            s.AddSingleton<RecordingObserver>();
            s.AddSingleton<ITelephonyCallObserver>(sp => sp.GetRequiredService<RecordingObserver>());
        });
    }
}

public abstract class TelephonyFixture(DbProvider provider) : IAppFixture, IAsyncLifetime
{
    public TelephonyAppFactory App { get; } = new(provider);
    public SchedarioAppFactory Factory => App;
    public DbProvider Provider => provider;
    public Task InitializeAsync() => App.StartAsync();
    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class SqliteTelephonyFixture() : TelephonyFixture(DbProvider.Sqlite);
public sealed class PostgresTelephonyFixture() : TelephonyFixture(DbProvider.Postgres);

/// <summary>Every call change the processor announced, by the call's external id.</summary>
public sealed class RecordingObserver : ITelephonyCallObserver
{
    readonly ConcurrentDictionary<string, ConcurrentQueue<TelephonyEventKind>> seen = new();

    public Task OnCallChangedAsync(TelephonyCall call, TelephonyEventKind kind, CancellationToken ct = default)
    {
        seen.GetOrAdd(call.ExternalId, _ => new()).Enqueue(kind);
        return Task.CompletedTask;
    }

    public List<TelephonyEventKind> Of(string externalId) => seen.TryGetValue(externalId, out var q) ? q.ToList() : [];
}

public sealed class ThrowingObserver : ITelephonyCallObserver
{
    public Task OnCallChangedAsync(TelephonyCall call, TelephonyEventKind kind, CancellationToken ct = default) =>
        call.ExternalId.StartsWith("boom-", StringComparison.Ordinal) ? throw new InvalidOperationException("observer failure on purpose") : Task.CompletedTask;
}

/// <summary>A sink that only remembers (simulator and AMI tests run without a database).</summary>
public sealed class RecordingSink : ITelephonyEventSink
{
    readonly ConcurrentQueue<TelephonyEvent> events = new();
    readonly SemaphoreSlim arrived = new(0);

    public IReadOnlyList<TelephonyEvent> Events => events.ToList();

    public Task<TelephonyEventResult> ReceiveAsync(TelephonyEvent e, CancellationToken ct = default)
    {
        events.Enqueue(e);
        arrived.Release();
        return Task.FromResult(TelephonyEventResult.Applied);
    }

    /// <summary>Waits until at least <paramref name="count"/> events have arrived (or fails after a while).</summary>
    public async Task<IReadOnlyList<TelephonyEvent>> WaitForAsync(int count, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (events.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await arrived.WaitAsync(left))
                throw new TimeoutException($"Expected {count} telephony events, got {events.Count}: {string.Join(", ", events.Select(e => e.Kind))}");
        }
        return Events;
    }

    public static IServiceScopeFactory Scopes(RecordingSink sink) =>
        new ServiceCollection().AddSingleton<ITelephonyEventSink>(sink).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();
}

static class TelephonyDb
{
    public static async Task<TelephonyEventResult> SendAsync(this SchedarioAppFactory app, TelephonyEvent e)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITelephonyEventSink>().ReceiveAsync(e);
    }

    public static async Task<List<TelephonyCall>> CallsAsync(this SchedarioAppFactory app, string source, string externalId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        return await db.TelephonyCalls().AsNoTracking().Where(c => c.Source == source && c.ExternalId == externalId).ToListAsync();
    }

    public static async Task<List<TelephonyEventLog>> EventsAsync(this SchedarioAppFactory app, string source, string externalId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedarioDb>();
        return await db.TelephonyEvents().AsNoTracking().Where(c => c.Source == source && c.ExternalId == externalId).OrderBy(e => e.Id).ToListAsync();
    }
}
