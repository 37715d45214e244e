using Microsoft.Extensions.DependencyInjection;
using Schedario.Tests.Infrastructure;
using Schedario.Web.CallCenter.Telephony;
using static Schedario.Web.CallCenter.Telephony.TelephonyEventKind;
using static Schedario.Web.CallCenter.Telephony.TelephonyEventResult;

namespace Schedario.Tests.CallCenter.Telephony;

public abstract class TelephonyEventProcessorTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : TelephonyFixture
{
    const string Src = "test";
    static readonly DateTime T0 = new(2026, 3, 2, 9, 30, 0, DateTimeKind.Utc);
    TelephonyAppFactory App => fixture.App;
    RecordingObserver Observed => App.Services.GetRequiredService<RecordingObserver>();

    static string NewId(string prefix = "c-") => prefix + Guid.NewGuid().ToString("N");

    static TelephonyEvent Ev(string id, TelephonyEventKind kind, double atSeconds, string? extension = null, int? duration = null, string? cause = null) =>
        new(Src, id, kind, T0.AddSeconds(atSeconds), CallDirection.Inbound, "333 123 4567", "02 1234 5678", extension, duration, cause,
            kind == Recording ? $"rec/{id}.wav" : null);

    [Fact]
    public async Task Ringing_answered_and_hung_up_is_logged_with_duration_and_cause()
    {
        var id = NewId();
        Assert.Equal(Applied, await App.SendAsync(Ev(id, Ringing, 0)));
        Assert.Equal(Applied, await App.SendAsync(Ev(id, Answered, 5, extension: "201")));
        Assert.Equal(Applied, await App.SendAsync(Ev(id, HungUp, 100, cause: "normal")));

        var call = Assert.Single(await App.CallsAsync(Src, id));
        Assert.Equal(TelephonyCallState.Ended, call.State);
        Assert.Equal("+393331234567", call.CallerNumber);
        Assert.Equal("+390212345678", call.CalledNumber);
        Assert.Equal("201", call.Extension);
        Assert.Equal(T0, call.RingAt);
        Assert.Equal(T0.AddSeconds(5), call.AnsweredAt);
        Assert.Equal(T0.AddSeconds(100), call.EndedAt);
        Assert.Equal(95, call.DurationSeconds);
        Assert.Equal("normal", call.Cause);

        var events = await App.EventsAsync(Src, id);
        Assert.Equal([Ringing, Answered, HungUp], events.Select(e => e.Kind));
        Assert.All(events, e => { Assert.Equal(Applied, e.Result); Assert.Equal(call.Id, e.CallId); Assert.False(string.IsNullOrEmpty(e.Payload)); });
        Assert.Equal([Ringing, Answered, HungUp], Observed.Of(id));
    }

    [Fact]
    public async Task Duplicate_events_are_logged_as_duplicate_and_change_nothing()
    {
        var id = NewId();
        Assert.Equal(Applied, await App.SendAsync(Ev(id, Ringing, 0)));
        Assert.Equal(Duplicate, await App.SendAsync(Ev(id, Ringing, 1)));
        Assert.Equal(Applied, await App.SendAsync(Ev(id, Answered, 5, extension: "201")));
        Assert.Equal(Duplicate, await App.SendAsync(Ev(id, Answered, 6, extension: "202")));
        Assert.Equal(Applied, await App.SendAsync(Ev(id, Recording, 7)));
        Assert.Equal(Duplicate, await App.SendAsync(Ev(id, Recording, 8)));
        Assert.Equal(Applied, await App.SendAsync(Ev(id, HungUp, 65, duration: 60)));
        Assert.Equal(Duplicate, await App.SendAsync(Ev(id, HungUp, 90, duration: 999, cause: "other")));
        Assert.Equal(Duplicate, await App.SendAsync(Ev(id, Ringing, 91)));

        var call = Assert.Single(await App.CallsAsync(Src, id));
        Assert.Equal((T0, "201", 60, T0.AddSeconds(65)), (call.RingAt!.Value, call.Extension, call.DurationSeconds!.Value, call.EndedAt!.Value));
        Assert.Equal($"rec/{id}.wav", call.RecordingRef);
        var events = await App.EventsAsync(Src, id);
        Assert.Equal([Applied, Duplicate, Applied, Duplicate, Applied, Duplicate, Applied, Duplicate, Duplicate], events.Select(e => e.Result));
        Assert.Equal([Ringing, Answered, Recording, HungUp], Observed.Of(id));
    }

    [Fact]
    public async Task Answered_after_hung_up_is_out_of_order_and_the_call_stays_ended()
    {
        var id = NewId();
        Assert.Equal(Applied, await App.SendAsync(Ev(id, Ringing, 0)));
        Assert.Equal(Applied, await App.SendAsync(Ev(id, HungUp, 30, cause: "normal")));
        Assert.Equal(OutOfOrder, await App.SendAsync(Ev(id, Answered, 5, extension: "201")));

        var call = Assert.Single(await App.CallsAsync(Src, id));
        Assert.Equal(TelephonyCallState.Ended, call.State);
        Assert.Null(call.AnsweredAt);
        Assert.Equal(0, call.DurationSeconds);
        Assert.Equal(OutOfOrder, (await App.EventsAsync(Src, id)).Last().Result);
        Assert.Equal([Ringing, HungUp], Observed.Of(id));
    }

    [Fact]
    public async Task Ringing_after_answered_is_out_of_order()
    {
        var id = NewId();
        // The answer arrives first: the call is created from it...
        Assert.Equal(UnknownCall, await App.SendAsync(Ev(id, Answered, 5, extension: "203")));
        // ...and the late ringing would move it backwards.
        Assert.Equal(OutOfOrder, await App.SendAsync(Ev(id, Ringing, 0)));

        var call = Assert.Single(await App.CallsAsync(Src, id));
        Assert.Equal(TelephonyCallState.Answered, call.State);
        Assert.Null(call.RingAt);
        Assert.Equal([UnknownCall, OutOfOrder], (await App.EventsAsync(Src, id)).Select(e => e.Result));
        Assert.Equal([Answered], Observed.Of(id));
    }

    [Fact]
    public async Task Events_of_calls_never_seen_ringing_create_the_call()
    {
        var hungUp = NewId();
        Assert.Equal(UnknownCall, await App.SendAsync(Ev(hungUp, HungUp, 50, duration: 42, cause: "normal")));
        var call = Assert.Single(await App.CallsAsync(Src, hungUp));
        Assert.Equal((TelephonyCallState.Ended, 42, "+393331234567"), (call.State, call.DurationSeconds!.Value, call.CallerNumber));
        Assert.Equal([HungUp], Observed.Of(hungUp));

        var recorded = NewId();
        Assert.Equal(UnknownCall, await App.SendAsync(Ev(recorded, Recording, 3)));
        Assert.Equal(Applied, await App.SendAsync(Ev(recorded, Ringing, 0)));
        call = Assert.Single(await App.CallsAsync(Src, recorded));
        Assert.Equal((TelephonyCallState.Ringing, $"rec/{recorded}.wav", T0), (call.State, call.RecordingRef, call.RingAt!.Value));
    }

    [Fact]
    public async Task Invalid_events_are_logged_and_create_no_call()
    {
        var noId = new TelephonyEvent(Src, "", Ringing, T0, CallerNumber: "3331234567");
        Assert.Equal(Invalid, await App.SendAsync(noId));

        var badKind = NewId("bad-");
        Assert.Equal(Invalid, await App.SendAsync(new TelephonyEvent(Src, badKind, (TelephonyEventKind)42, T0)));
        Assert.Empty(await App.CallsAsync(Src, badKind));
        var logged = Assert.Single(await App.EventsAsync(Src, badKind));
        Assert.Equal(Invalid, logged.Result);
        Assert.Null(logged.CallId);
        Assert.Contains("unknown kind", logged.Payload);

        var noSource = NewId("nosrc-");
        Assert.Equal(Invalid, await App.SendAsync(new TelephonyEvent(" ", noSource, Ringing, T0)));
        Assert.Equal(Invalid, Assert.Single(await App.EventsAsync("", noSource)).Result);
        Assert.Empty(Observed.Of(badKind));
    }

    [Fact]
    public async Task Concurrent_events_for_one_new_call_make_one_row()
    {
        for (var round = 0; round < 3; round++)
        {
            var id = NewId();
            var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => App.SendAsync(Ev(id, Ringing, i)))));
            Assert.Equal(1, results.Count(r => r == Applied));
            Assert.Equal(7, results.Count(r => r == Duplicate));
            Assert.Single(await App.CallsAsync(Src, id));
            Assert.Equal(8, (await App.EventsAsync(Src, id)).Count);
            Assert.Equal([Ringing], Observed.Of(id));

            // Different kinds at once: still one row, each step applied once.
            var mixed = NewId();
            var kinds = new[] { Ringing, Answered, Recording, Ringing, Answered, Recording };
            await Task.WhenAll(kinds.Select((k, i) => Task.Run(() => App.SendAsync(Ev(mixed, k, i, extension: "201")))));
            Assert.Single(await App.CallsAsync(Src, mixed));
            Assert.Equal(6, (await App.EventsAsync(Src, mixed)).Count);
            // Whatever the arrival order, each kind took effect at most once.
            Assert.All((await App.EventsAsync(Src, mixed)).Where(e => e.Result is Applied or UnknownCall).GroupBy(e => e.Kind), g => Assert.Single(g));
        }
    }

    [Fact]
    public async Task An_observer_that_throws_breaks_neither_the_event_nor_the_other_observers()
    {
        var id = NewId("boom-");
        Assert.Equal(Applied, await App.SendAsync(Ev(id, Ringing, 0)));
        Assert.Equal(Applied, await App.SendAsync(Ev(id, HungUp, 10)));
        Assert.Equal(TelephonyCallState.Ended, Assert.Single(await App.CallsAsync(Src, id)).State);
        Assert.Equal([Ringing, HungUp], Observed.Of(id));
    }
}

public sealed class TelephonyEventProcessorTests_Sqlite(SqliteTelephonyFixture f) : TelephonyEventProcessorTests<SqliteTelephonyFixture>(f);
public sealed class TelephonyEventProcessorTests_Postgres(PostgresTelephonyFixture f) : TelephonyEventProcessorTests<PostgresTelephonyFixture>(f);
