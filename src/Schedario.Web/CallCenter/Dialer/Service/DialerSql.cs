namespace Schedario.Web.CallCenter.Dialer.Service;

/// <summary>
/// The dialer's claim: the next names of a campaign it may dial now, leased to the campaign's dialer in one
/// statement. The rules here are the ones <c>/dialability</c> explains one by one; keep the two together.
/// Callbacks for anyone come first, then the names to call by priority. Callbacks promised by one operator
/// stay with the desk's Next (the dialer cannot promise which operator will take the call).
/// </summary>
static class DialerSql
{
    /// <summary>The names of campaign @cid the dialer may call at @now (entry alias e, customer alias c).</summary>
    const string Dialable = """
        FROM campaign_entries e
        JOIN customers c ON c."Id" = e."CustomerId"
        WHERE e."CampaignId" = @cid
          AND (e."LeaseUntil" IS NULL OR e."LeaseUntil" < @now)
          AND ((e."State" = 'ToCall' AND (e."NextCallAt" IS NULL OR e."NextCallAt" <= @now) AND (@max = 0 OR e."Attempts" < @max))
            OR (e."State" = 'Callback' AND e."CallbackUserId" IS NULL AND e."NextCallAt" <= @now))
          AND NOT c."IsDeleted" AND c."MainPhone" IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM do_not_call d WHERE d."Number" = c."MainPhone")
          AND NOT EXISTS (SELECT 1 FROM dialer_calls a WHERE a."Number" = c."MainPhone" AND a."Result" = 'Abandoned' AND a."EndedAt" > @lockout)
          AND NOT EXISTS (SELECT 1 FROM dialer_calls f WHERE f."EntryId" = e."Id" AND f."State" <> 'Ended')
        """;

    static string Claim(string lockClause) => $"""
        UPDATE campaign_entries
        SET "LeaseHolder" = @holder, "LeaseUntil" = @until, "ClaimedAt" = @now, "Version" = "Version" + 1
        WHERE "Id" IN (
            SELECT e."Id" {Dialable}
            ORDER BY CASE WHEN e."State" = 'Callback' THEN 0 ELSE 1 END, e."Priority" DESC, e."Id"
            LIMIT @n {lockClause})
          AND ("LeaseUntil" IS NULL OR "LeaseUntil" < @now)
        RETURNING "Id", "CustomerId"
        """;

    /// <summary>SQLite: one writer at a time already (the caller holds the write gate).</summary>
    public static readonly string ClaimSqlite = Claim("");

    /// <summary>PostgreSQL: a desk's Next or another claim working the same rows is skipped, not waited for.</summary>
    public static readonly string ClaimPostgres = Claim("FOR UPDATE OF e SKIP LOCKED");

    /// <summary>How many names the campaign could still dial now, counted up to @n (the pacer only needs "enough").</summary>
    public static readonly string CountDialable = $"""SELECT COUNT(*) FROM (SELECT 1 {Dialable} LIMIT @n) x""";

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
