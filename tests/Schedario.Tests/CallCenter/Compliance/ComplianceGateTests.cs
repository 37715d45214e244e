using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Compliance;
using Schedario.Web.Data;
using Schedario.Web.Settings;

namespace Schedario.Tests.CallCenter.Compliance;

/// <summary>The RPODAYS start gate on a fake clock: never checked, fresh, stale after the limit, cached for a few seconds.</summary>
public abstract class ComplianceGateTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : class, IAppFixture
{
    SchedarioAppFactory App => fixture.Factory;

    static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    async Task InDbAsync(Func<SchedarioDb, Task> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<SchedarioDb>());
    }

    [Fact]
    public async Task The_gate_holds_dialing_when_never_checked_and_after_RPODAYS_days()
    {
        var clock = new FakeTimeProvider(Start);
        var gate = new ComplianceGate(App.Services.GetRequiredService<IServiceScopeFactory>(), clock);
        await InDbAsync(db => db.OppositionRegisterChecks().ExecuteDeleteAsync());

        var never = await gate.CheckRegisterAsync();
        Assert.NotNull(never);
        Assert.Contains("mai", never);
        Assert.Equal(15, (await gate.StatusAsync()).MaxAgeDays);

        await InDbAsync(async db =>
        {
            db.Add(new OppositionRegisterCheck { CheckedAt = Start.UtcDateTime, ImportedBy = "test", Lines = 1, Listed = 1, Added = 1 });
            await db.SaveChangesAsync();
        });
        // Cached for a few seconds: the import on another node is seen once the cache expires.
        Assert.NotNull(await gate.CheckRegisterAsync());
        clock.Advance(ComplianceGate.CacheLifetime);
        Assert.Null(await gate.CheckRegisterAsync());

        clock.Advance(TimeSpan.FromDays(15) - ComplianceGate.CacheLifetime);
        Assert.Null(await gate.CheckRegisterAsync());
        clock.Advance(TimeSpan.FromDays(1));
        var stale = await gate.StatusAsync();
        Assert.True(stale.Stale);
        Assert.Contains("RPODAYS", stale.Message);
        Assert.Equal(Start.UtcDateTime, stale.LastCheckAt);

        // A longer limit set by the administrator lets dialing go on.
        await InDbAsync(db => db.Set<Setting>().Where(s => s.Code == SettingCodes.OppositionRegisterMaxAgeDays)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Value, "30")));
        App.Services.GetRequiredService<SettingsCache>().Forget(SettingCodes.OppositionRegisterMaxAgeDays);
        gate.Refresh();
        Assert.Null(await gate.CheckRegisterAsync());
        Assert.Equal(30, (await gate.StatusAsync()).MaxAgeDays);
    }

    [Fact]
    public void The_rule_counts_whole_days_from_the_last_check()
    {
        var last = Start.UtcDateTime;
        Assert.True(ComplianceGate.Evaluate(null, 15, last).Stale);
        Assert.False(ComplianceGate.Evaluate(last, 15, last.AddDays(15)).Stale);
        Assert.True(ComplianceGate.Evaluate(last, 15, last.AddDays(15).AddMinutes(1)).Stale);
        Assert.True(ComplianceGate.Evaluate(last, 15, last.AddDays(16)).Stale);
        Assert.Null(ComplianceGate.Evaluate(last, 15, last.AddDays(1)).Message);
    }
}

public sealed class ComplianceGateTests_Sqlite(SqliteAppFixture f) : ComplianceGateTests<SqliteAppFixture>(f);
public sealed class ComplianceGateTests_Postgres(PostgresAppFixture f) : ComplianceGateTests<PostgresAppFixture>(f);
