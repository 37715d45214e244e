using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Schedario.Web.Data;
using Schedario.Web.Registry.Normalization;

namespace Schedario.Web.CallCenter.Telephony;

/// <summary>
/// The one place telephony events land (every gateway and the webhook deliver here). Each event is
/// written to <c>telephony_events</c> with what became of it, and applied to its call in
/// <c>telephony_calls</c> in the same transaction. The rules, in order:
/// <list type="bullet">
/// <item>no source, no call id or an unknown kind → <see cref="TelephonyEventResult.Invalid"/>;</item>
/// <item>a repeat of a step the call already took (same kind) → <see cref="TelephonyEventResult.Duplicate"/>;</item>
/// <item>a step backwards (ringing after answered, ringing or answered after hung up) → <see cref="TelephonyEventResult.OutOfOrder"/>;</item>
/// <item>the first word we hear of a call is not "ringing" → the call is created anyway
///   (<see cref="TelephonyEventResult.UnknownCall"/>): never a call lost from the log.</item>
/// </list>
/// Observers are told after the commit, for applied and unknown-call events only.
/// </summary>
public sealed class TelephonyEventProcessor(
    SchedarioDb db,
    TimeProvider clock,
    IEnumerable<ITelephonyCallObserver> observers,
    TelephonyMetrics metrics,
    ILogger<TelephonyEventProcessor> log) : ITelephonyEventSink
{
    const int MaxPayload = 8000;

    public async Task<TelephonyEventResult> ReceiveAsync(TelephonyEvent e, CancellationToken ct = default)
    {
        var problem = Validate(e);
        if (problem is not null)
        {
            log.LogWarning("Telephony event refused ({Problem}): {Source}/{CallId} {Kind}", problem, e.Source, e.CallId, e.Kind);
            await LogInvalidAsync(e, problem, ct);
            metrics.Count(TelephonyEventResult.Invalid, e.Source);
            return TelephonyEventResult.Invalid;
        }

        (TelephonyEventResult Result, TelephonyCall Call) outcome;
        try
        {
            outcome = await ApplyAsync(e, ct);
        }
        catch (DbUpdateException ex) when (IsRace(ex))
        {
            // Two events of one new call raced to create it (or to update it): the other one's row
            // is there now, so the second try finds it.
            log.LogDebug(ex, "Telephony event {Source}/{CallId} {Kind} raced another one; retrying", e.Source, e.CallId, e.Kind);
            db.ChangeTracker.Clear();
            outcome = await ApplyAsync(e, ct);
        }

        metrics.Count(outcome.Result, e.Source);
        if (outcome.Result is TelephonyEventResult.OutOfOrder)
            log.LogWarning("Telephony event out of order, ignored: {Source}/{CallId} {Kind} on a call in state {State}", e.Source, e.CallId, e.Kind, outcome.Call.State);
        else if (outcome.Result is TelephonyEventResult.UnknownCall)
            log.LogInformation("Telephony event for a call never seen ringing: {Source}/{CallId} {Kind}; call {Id} created", e.Source, e.CallId, e.Kind, outcome.Call.Id);

        if (outcome.Result is TelephonyEventResult.Applied or TelephonyEventResult.UnknownCall)
            await NotifyAsync(outcome.Call, e.Kind, ct);
        return outcome.Result;
    }

    static string? Validate(TelephonyEvent e)
    {
        if (string.IsNullOrWhiteSpace(e.Source)) return "source missing";
        if (e.Source.Length > 20) return "source longer than 20 characters";
        if (string.IsNullOrWhiteSpace(e.CallId)) return "callId missing";
        if (e.CallId.Length > 100) return "callId longer than 100 characters";
        if (!Enum.IsDefined(e.Kind)) return "unknown kind";
        if (!Enum.IsDefined(e.Direction)) return "unknown direction";
        if (e.Kind == TelephonyEventKind.Recording && string.IsNullOrWhiteSpace(e.RecordingRef)) return "recordingRef missing";
        if (e.DurationSeconds is < 0) return "negative duration";
        return null;
    }

    async Task<(TelephonyEventResult, TelephonyCall)> ApplyAsync(TelephonyEvent e, CancellationToken ct)
    {
        if (e.Kind == TelephonyEventKind.Ringing && db.Provider == DatabaseProvider.Postgres && await NewRingingCallAsync(e, ct) is { } fresh)
            return (TelephonyEventResult.Applied, fresh);
        using var gate = await SqliteWriteGate.EnterAsync(db, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var at = Utc(e.OccurredAt, now);
        var source = e.Source.Trim();
        var externalId = e.CallId.Trim();

        var call = await FindForUpdateAsync(source, externalId, ct);
        TelephonyEventResult result;
        if (call is null)
        {
            call = new TelephonyCall
            {
                Source = source, ExternalId = externalId, Direction = e.Direction, State = TelephonyCallState.Ringing,
                CreatedAt = now, UpdatedAt = now,
            };
            FillDetails(call, e);
            result = e.Kind == TelephonyEventKind.Ringing ? TelephonyEventResult.Applied : TelephonyEventResult.UnknownCall;
            Step(call, e, at);
            db.TelephonyCalls().Add(call);
        }
        else
        {
            result = Decide(call, e);
            if (result == TelephonyEventResult.Applied)
            {
                FillDetails(call, e);
                Step(call, e, at);
                call.UpdatedAt = now;
                call.Version++;
            }
        }
        await db.SaveChangesAsync(ct);

        db.TelephonyEvents().Add(new TelephonyEventLog
        {
            Source = source, ExternalId = externalId, Kind = e.Kind, OccurredAt = at, ReceivedAt = now,
            Result = result, CallId = call.Id, Payload = PayloadOf(e),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (result, call);
    }

    /// <summary>What an event does to a call we already have.</summary>
    /// <summary>
    /// PostgreSQL, the hot path of every call: a ringing event for a call not seen yet writes the call
    /// row and its event row in one statement (one round trip instead of four). When the call already
    /// exists nothing is written and the caller takes the general path, which decides duplicate or
    /// out of order as always.
    /// </summary>
    async Task<TelephonyCall?> NewRingingCallAsync(TelephonyEvent e, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var at = Utc(e.OccurredAt, now);
        var call = new TelephonyCall
        {
            Source = e.Source.Trim(), ExternalId = e.CallId.Trim(), Direction = e.Direction, State = TelephonyCallState.Ringing,
            CreatedAt = now, UpdatedAt = now,
        };
        FillDetails(call, e);
        Step(call, e, at);
        var id = await db.WithConnectionAsync(async conn =>
        {
            await using var cmd = (NpgsqlCommand)conn.CreateCommand();
            cmd.CommandText = """
                WITH ins AS (
                    INSERT INTO telephony_calls ("Source", "ExternalId", "Direction", "State", "CallerNumber", "CalledNumber", "Extension", "RingAt", "CreatedAt", "UpdatedAt", "Version")
                    VALUES (@source, @external, @direction, 'Ringing', @caller, @called, @extension, @at, @now, @now, 1)
                    ON CONFLICT ("Source", "ExternalId") DO NOTHING
                    RETURNING "Id"),
                ev AS (
                    INSERT INTO telephony_events ("Source", "ExternalId", "Kind", "OccurredAt", "ReceivedAt", "Result", "CallId", "Payload")
                    SELECT @source, @external, 'Ringing', @at, @now, 'Applied', ins."Id", @payload FROM ins)
                SELECT "Id" FROM ins
                """;
            cmd.Parameters.AddWithValue("source", call.Source);
            cmd.Parameters.AddWithValue("external", call.ExternalId);
            cmd.Parameters.AddWithValue("direction", call.Direction.ToString());
            cmd.Parameters.Add(new NpgsqlParameter("caller", NpgsqlTypes.NpgsqlDbType.Varchar) { Value = (object?)call.CallerNumber ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter("called", NpgsqlTypes.NpgsqlDbType.Varchar) { Value = (object?)call.CalledNumber ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter("extension", NpgsqlTypes.NpgsqlDbType.Varchar) { Value = (object?)call.Extension ?? DBNull.Value });
            cmd.Parameters.AddWithValue("at", at);
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.Add(new NpgsqlParameter("payload", NpgsqlTypes.NpgsqlDbType.Varchar) { Value = (object?)PayloadOf(e) ?? DBNull.Value });
            return await cmd.ExecuteScalarAsync(ct) as long?;
        }, ct);
        if (id is null) return null;
        call.Id = id.Value;
        return call;
    }

    static TelephonyEventResult Decide(TelephonyCall call, TelephonyEvent e) => e.Kind switch
    {
        // RingAt is set only by a ringing event: a second one is a repeat, whatever the state now.
        TelephonyEventKind.Ringing when call.RingAt is not null => TelephonyEventResult.Duplicate,
        TelephonyEventKind.Ringing when call.State != TelephonyCallState.Ringing => TelephonyEventResult.OutOfOrder,
        TelephonyEventKind.Ringing => TelephonyEventResult.Applied, // a call first heard of by its recording
        TelephonyEventKind.Answered when call.AnsweredAt is not null => TelephonyEventResult.Duplicate,
        // Hung up before answered (the PBX sent them the wrong way round): the call stays ended.
        TelephonyEventKind.Answered when call.State == TelephonyCallState.Ended => TelephonyEventResult.OutOfOrder,
        TelephonyEventKind.Answered => TelephonyEventResult.Applied,
        TelephonyEventKind.HungUp when call.State == TelephonyCallState.Ended => TelephonyEventResult.Duplicate,
        TelephonyEventKind.HungUp => TelephonyEventResult.Applied,
        TelephonyEventKind.Recording when string.Equals(call.RecordingRef, e.RecordingRef?.Trim(), StringComparison.Ordinal) => TelephonyEventResult.Duplicate,
        TelephonyEventKind.Recording => TelephonyEventResult.Applied,
        _ => TelephonyEventResult.Invalid,
    };

    static void Step(TelephonyCall call, TelephonyEvent e, DateTime at)
    {
        switch (e.Kind)
        {
            case TelephonyEventKind.Ringing:
                call.RingAt = at;
                break;
            case TelephonyEventKind.Answered:
                call.State = TelephonyCallState.Answered;
                call.AnsweredAt = at;
                // "machine": the PBX's answering-machine detection (the dialer counts these apart).
                call.Cause = Cut(e.Cause, 100) ?? call.Cause;
                break;
            case TelephonyEventKind.HungUp:
                call.State = TelephonyCallState.Ended;
                call.EndedAt = at;
                call.DurationSeconds = e.DurationSeconds
                    ?? (call.AnsweredAt is { } answered ? Math.Max(0, (int)Math.Round((at - answered).TotalSeconds)) : 0);
                call.Cause = Cut(e.Cause, 100) ?? call.Cause;
                break;
            case TelephonyEventKind.Recording:
                call.RecordingRef = Cut(e.RecordingRef, 400);
                break;
        }
    }

    /// <summary>Numbers and extension: an event fills what the call does not know yet (an answer names the extension).</summary>
    static void FillDetails(TelephonyCall call, TelephonyEvent e)
    {
        call.CallerNumber ??= Number(e.CallerNumber);
        call.CalledNumber ??= Number(e.CalledNumber);
        if (Cut(e.Extension, 40) is { } extension && (call.Extension is null || e.Kind == TelephonyEventKind.Answered))
            call.Extension = extension;
    }

    /// <summary>E.164 where the number parses (default region IT), else as the PBX sent it ("anonymous", an extension).</summary>
    internal static string? Number(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        return PhoneNormalizer.TryNormalize(raw, out var e164) ? e164 : Cut(raw, 40);
    }

    async Task<TelephonyCall?> FindForUpdateAsync(string source, string externalId, CancellationToken ct)
    {
        if (db.Provider == DatabaseProvider.Postgres)
        {
            // Lock the call's row: events of one call apply one at a time, in arrival order.
            var rows = await db.TelephonyCalls()
                .FromSql($"""SELECT * FROM telephony_calls WHERE "Source" = {source} AND "ExternalId" = {externalId} FOR UPDATE""")
                .ToListAsync(ct);
            return rows.FirstOrDefault();
        }
        // SQLite: the write gate and the file lock already make this the only writer.
        return await db.TelephonyCalls().FirstOrDefaultAsync(c => c.Source == source && c.ExternalId == externalId, ct);
    }

    async Task LogInvalidAsync(TelephonyEvent e, string problem, CancellationToken ct)
    {
        using var gate = await SqliteWriteGate.EnterAsync(db, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        db.TelephonyEvents().Add(new TelephonyEventLog
        {
            Source = Cut(e.Source?.Trim(), 20) ?? "",
            ExternalId = Cut(e.CallId?.Trim(), 100) ?? "",
            Kind = Enum.IsDefined(e.Kind) ? e.Kind : TelephonyEventKind.Ringing,
            OccurredAt = Utc(e.OccurredAt, now), ReceivedAt = now, Result = TelephonyEventResult.Invalid,
            Payload = Cut($"invalid: {problem}; {PayloadOf(e)}", MaxPayload),
        });
        await db.SaveChangesAsync(ct);
    }

    async Task NotifyAsync(TelephonyCall call, TelephonyEventKind kind, CancellationToken ct)
    {
        foreach (var observer in observers)
        {
            try
            {
                await observer.OnCallChangedAsync(call, kind, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogError(ex, "Telephony observer {Observer} failed on call {Id} ({Kind})", observer.GetType().Name, call.Id, kind);
            }
        }
    }

    static string PayloadOf(TelephonyEvent e) =>
        Cut(e.Payload, MaxPayload) ?? Cut(JsonSerializer.Serialize(e with { Payload = null }, PayloadJson), MaxPayload)!;

    static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    static DateTime Utc(DateTime value, DateTime fallback) => value == default ? fallback : value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    static string? Cut(string? s, int max) => string.IsNullOrWhiteSpace(s) ? null : s.Length <= max ? s : s[..max];

    static bool IsRace(DbUpdateException ex) => ex is DbUpdateConcurrencyException || ex.InnerException switch
    {
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException s => s.SqliteErrorCode == 19, // SQLITE_CONSTRAINT (a unique index)
        _ => false,
    };
}

/// <summary>OpenTelemetry counter <c>schedario.telephony.events</c> (meter "Schedario"), tagged by result and source.</summary>
public sealed class TelephonyMetrics
{
    readonly Counter<long> events;

    public TelephonyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Schedario");
        events = meter.CreateCounter<long>("schedario.telephony.events", unit: "{event}", description: "Telephony events received, by what became of them");
    }

    public void Count(TelephonyEventResult result, string? source) =>
        events.Add(1, new KeyValuePair<string, object?>("result", result.ToString()), new KeyValuePair<string, object?>("source", source ?? ""));
}
