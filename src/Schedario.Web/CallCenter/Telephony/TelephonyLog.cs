using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Telephony;

public sealed record TelephonyCallDto(
    long Id, string Source, string ExternalId, string Direction, string State,
    string? CallerNumber, string? CalledNumber, string? Extension, string? OperatorUserId, int? ServiceId, Guid? CustomerId,
    DateTime? RingAt, DateTime? AnsweredAt, DateTime? EndedAt, int? DurationSeconds, string? Cause, string? RecordingRef);

public sealed record TelephonyEventDto(long Id, string Kind, DateTime OccurredAt, DateTime ReceivedAt, string Result, string? Payload);

public sealed record TelephonyCallPage(List<TelephonyCallDto> Items, long? NextBefore);

/// <summary>The telephony log as supervisors read it: calls newest first, and each call's events.</summary>
public sealed class TelephonyLog(SchedarioDb db)
{
    public const int MaxPageSize = 200;

    /// <param name="before">Keyset cursor: only calls with a smaller id (the previous page's <c>nextBefore</c>).</param>
    /// <param name="state"><c>ringing</c>, <c>answered</c> or <c>ended</c>.</param>
    /// <param name="number">Caller or called number, in any format (compared in E.164 where it parses).</param>
    public async Task<TelephonyCallPage> CallsAsync(long? before, int limit, string? state, string? number, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        TelephonyCallState? wanted = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            if (Enum.TryParse<TelephonyCallState>(state.Trim(), ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(state, out _)) wanted = s;
            else errors.Add("state", "Stato non valido: ringing, answered o ended.");
        }
        if (limit is < 1 or > MaxPageSize) errors.Add("limit", $"Da 1 a {MaxPageSize}.");
        if (errors.Any) throw new ValidationException(errors);

        var query = db.TelephonyCalls().AsNoTracking();
        if (before is { } b) query = query.Where(c => c.Id < b);
        if (wanted is { } w) query = query.Where(c => c.State == w);
        if (TelephonyEventProcessor.Number(number) is { } n) query = query.Where(c => c.CallerNumber == n || c.CalledNumber == n);
        var rows = await query.OrderByDescending(c => c.Id).Take(limit + 1).ToListAsync(ct);
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new TelephonyCallPage(rows.Select(ToDto).ToList(), more ? rows[^1].Id : null);
    }

    public async Task<TelephonyCallDto> CallAsync(long id, CancellationToken ct = default) =>
        await db.TelephonyCalls().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } call
            ? ToDto(call)
            : throw new NotFoundException("Chiamata non trovata.");

    /// <summary>Every event logged for the call, in arrival order (applied, duplicate, out of order…).</summary>
    public async Task<List<TelephonyEventDto>> EventsAsync(long callId, CancellationToken ct = default)
    {
        if (!await db.TelephonyCalls().AnyAsync(c => c.Id == callId, ct)) throw new NotFoundException("Chiamata non trovata.");
        var rows = await db.TelephonyEvents().AsNoTracking().Where(e => e.CallId == callId).OrderBy(e => e.Id).ToListAsync(ct);
        return rows.Select(e => new TelephonyEventDto(e.Id, Camel(e.Kind.ToString()), e.OccurredAt, e.ReceivedAt, Camel(e.Result.ToString()), e.Payload)).ToList();
    }

    public static TelephonyCallDto ToDto(TelephonyCall c) => new(
        c.Id, c.Source, c.ExternalId, Camel(c.Direction.ToString()), Camel(c.State.ToString()),
        c.CallerNumber, c.CalledNumber, c.Extension, c.OperatorUserId, c.ServiceId, c.CustomerId,
        c.RingAt, c.AnsweredAt, c.EndedAt, c.DurationSeconds, c.Cause, c.RecordingRef);

    internal static string Camel(string s) => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..];
}
