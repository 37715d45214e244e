using Schedario.Web.CallCenter.Compliance;

namespace Schedario.Web.CallCenter.Dialer.Service;

/// <summary>
/// The dialer's claim: the next names of a campaign it may dial now, leased to the campaign's dialer in one
/// statement. The rules here are the ones <c>/dialability</c> explains one by one; keep the two together.
/// Callbacks for anyone come first, the longest overdue first, then the names to call by priority. Callbacks
/// promised by one operator stay with the desk's Next (the dialer cannot promise which operator will take
/// the call).
/// </summary>
/// <remarks>
/// Each queue is read in index order and stops at the names it needs (ADR 0020): the callbacks through
/// their partial index, the names to call through <c>IX_campaign_entries_dialer_queue</c>. The number's rules
/// (do-not-call, abandon lockout) are <see cref="EntryDialability.NumberAllowedSql"/>'s, the explanation's own.
/// On PostgreSQL the phone and the probes (those two, and a call in flight) are per-name subplans behind
/// <c>OFFSET 0</c> fences: as joins, the planner hashed customers ⋈ do_not_call and sorted every due name
/// of the campaign on every claim, as Next's tiers once did (ADR 0019).
/// </remarks>
static class DialerSql
{
    /// <summary>The names of campaign @cid in one queue that the dialer may call at @now (entry alias e, phone c."MainPhone").</summary>
    static string Dialable(bool postgres, string queue)
    {
        var fence = postgres ? " OFFSET 0" : "";
        var phone = postgres
            ? $"""CROSS JOIN LATERAL (SELECT c."MainPhone" FROM customers c WHERE c."Id" = e."CustomerId" AND NOT c."IsDeleted" AND c."MainPhone" IS NOT NULL{fence}) c"""
            : """JOIN customers c ON c."Id" = e."CustomerId" AND NOT c."IsDeleted" AND c."MainPhone" IS NOT NULL""";
        return $"""
            FROM campaign_entries e
            {phone}
            WHERE e."CampaignId" = @cid AND {queue}
              AND (e."LeaseUntil" IS NULL OR e."LeaseUntil" < @now)
              AND {EntryDialability.NumberAllowedSql("c.\"MainPhone\"", "@lockout", perRowProbes: postgres)}
              AND NOT EXISTS (SELECT 1 FROM dialer_calls f WHERE f."EntryId" = e."Id" AND f."State" <> 'Ended'{fence})
            """;
    }

    // Each ORDER BY matches its index (the callbacks' starts with the column pinned by IS NULL, which
    // PostgreSQL does not count as fixed), so a LIMIT reads only the names it returns.
    const string Callbacks = """e."State" = 'Callback' AND e."CallbackUserId" IS NULL AND e."NextCallAt" <= @now""";
    const string CallbacksOrder = """ORDER BY e."CallbackUserId", e."NextCallAt", e."Id" """;
    const string ToCall = """e."State" = 'ToCall' AND (e."NextCallAt" IS NULL OR e."NextCallAt" <= @now) AND (@max = 0 OR e."Attempts" < @max)""";
    const string ToCallOrder = """ORDER BY e."Priority" DESC, e."Id" """;

    // A locking clause is not allowed in a UNION's own branches: each queue is a subquery of its own.
    static string Claim(bool postgres)
    {
        var lockClause = postgres ? "FOR UPDATE OF e SKIP LOCKED" : "";
        return $"""
            UPDATE campaign_entries
            SET "LeaseHolder" = @holder, "LeaseUntil" = @until, "ClaimedAt" = @now, "Version" = "Version" + 1
            WHERE "Id" IN (
                SELECT q."Id" FROM (
                    SELECT * FROM (SELECT e."Id" {Dialable(postgres, Callbacks)} {CallbacksOrder} LIMIT @n {lockClause}) callbacks
                    UNION ALL
                    SELECT * FROM (SELECT e."Id" {Dialable(postgres, ToCall)} {ToCallOrder} LIMIT @n {lockClause}) to_call
                ) q
                LIMIT @n)
              AND ("LeaseUntil" IS NULL OR "LeaseUntil" < @now)
            RETURNING "Id", "CustomerId"
            """;
    }

    /// <summary>SQLite: one writer at a time already (the caller holds the write gate).</summary>
    public static readonly string ClaimSqlite = Claim(postgres: false);

    /// <summary>PostgreSQL: a desk's Next or another claim working the same rows is skipped, not waited for.</summary>
    public static readonly string ClaimPostgres = Claim(postgres: true);

    /// <summary>How many names the campaign could still dial now, counted up to @n (the pacer only needs "enough").</summary>
    static string CountDialable(bool postgres) => $"""
        SELECT COUNT(*) FROM (
            SELECT * FROM (SELECT 1 AS one {Dialable(postgres, Callbacks)} LIMIT @n) callbacks
            UNION ALL
            SELECT * FROM (SELECT 1 AS one {Dialable(postgres, ToCall)} LIMIT @n) to_call
            LIMIT @n) x
        """;

    public static readonly string CountDialableSqlite = CountDialable(postgres: false);
    public static readonly string CountDialablePostgres = CountDialable(postgres: true);

    /// <summary>
    /// The longest idle ready operator who joined the campaign with the bar open, moved to "on a call" in
    /// one conditional statement (the inbound router claims with the same condition, so an operator is
    /// never given two calls).
    /// </summary>
    static string ClaimOperator(string lockClause) => $"""
        UPDATE operator_presence
        SET "State" = 'OnCall', "StateSince" = @now, "CurrentCallId" = @call, "Version" = "Version" + 1
        WHERE "UserId" = (
            SELECT "UserId" FROM operator_presence
            WHERE "DialerCampaignId" = @cid AND "State" = 'Ready' AND "BarOpenUntil" > @now
            ORDER BY "IdleSince", "UserId"
            LIMIT 1 {lockClause})
          AND "State" = 'Ready'
        RETURNING "UserId", "Extension"
        """;

    public static readonly string ClaimOperatorSqlite = ClaimOperator("");
    public static readonly string ClaimOperatorPostgres = ClaimOperator("FOR UPDATE SKIP LOCKED");
}
