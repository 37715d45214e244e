using System.Text;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;
using Schedario.Web.Shared;

namespace Schedario.Web.Registry.Dedup;

/// <summary>
/// Finds candidate duplicate pairs across the whole registry in one SQL statement: a self-join per
/// reason on an indexed column (tax code, VAT, own phone E.164, own e-mail, name + city), the
/// reasons of a pair added up with GROUP BY, keyset-paged by score. Nothing is loaded into memory
/// but the page asked for.
/// </summary>
/// <remarks>
/// <para>Only a record's own phones and e-mails count, not its referents': the same accountant or
/// consultant is often the referent of several distinct companies, and a referent's number is
/// frequently the company switchboard shared by every person there.</para>
/// <para>A value shared by more than <see cref="MaxGroupSize"/> records (a placeholder number such
/// as 0000000, a generic info@ address, "Rossi Mario" in Rome) is not evidence of one person and
/// would square the work; it is skipped.</para>
/// <para>Pairs are only proposed between records of the same kind: merging a person with a company
/// is refused, so proposing it would waste the reviewer's time.</para>
/// </remarks>
public sealed class DuplicateFinder(SchedarioDb db, TimeProvider clock)
{
    public const int MaxPageSize = 200;
    public const int MaxGroupSize = 25;

    public async Task<DuplicatePage> FindAsync(int minScore = 0, int limit = 50, string? cursor = null, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (minScore is < 0 or > 100) errors.Add("minScore", "Il punteggio minimo va da 0 a 100.");
        limit = Math.Clamp(limit <= 0 ? 50 : limit, 1, MaxPageSize);
        (int Score, Guid First, Guid Second)? after = null;
        if (cursor is not null)
        {
            after = DecodeCursor(cursor);
            if (after is null) errors.Add("cursor", "Cursore non valido.");
        }
        if (errors.Any) throw new ValidationException(errors);

        var parameters = new List<object> { MaxGroupSize, minScore, limit + 1 };
        var keyset = "";
        if (after is { } a)
        {
            parameters.AddRange([a.Score, a.First, a.Second]);
            keyset = """ AND (g."Score" < {3} OR (g."Score" = {3} AND (g."FirstId" > {4} OR (g."FirstId" = {4} AND g."SecondId" > {5}))))""";
        }
        var sql = $$"""
            SELECT g."FirstId", g."SecondId", g."Score", g."Reasons" FROM ({{PairsSql}}) g
            WHERE g."Score" >= {1}{{keyset}}
            ORDER BY g."Score" DESC, g."FirstId", g."SecondId"
            LIMIT {2}
            """;
        var rows = await db.Database.SqlQueryRaw<PairRow>(sql, parameters.ToArray()).ToListAsync(ct);

        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            next = EncodeCursor(rows[^1]);
        }
        var ids = rows.SelectMany(r => new[] { r.FirstId, r.SecondId }).Distinct().ToList();
        var summaries = await db.Set<Customer>().AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(CustomerMapping.Summary).ToDictionaryAsync(s => s.Id, ct);
        var items = rows
            // A record deleted between the two queries, or one the user may not read, drops its pairs.
            .Where(r => summaries.ContainsKey(r.FirstId) && summaries.ContainsKey(r.SecondId))
            .Select(r => new DuplicatePair(summaries[r.FirstId], summaries[r.SecondId], r.Score, DuplicateScores.Names((DuplicateReason)r.Reasons)))
            .ToList();
        return new DuplicatePage(items, next);
    }

    /// <summary>Records that a pair is not a duplicate, so it is no longer proposed. Idempotent.</summary>
    public async Task DismissAsync(DismissInput input, string user, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (input.FirstId is null) errors.Add("firstId", "Indicare la prima anagrafica.");
        if (input.SecondId is null) errors.Add("secondId", "Indicare la seconda anagrafica.");
        if (input.FirstId is not null && input.FirstId == input.SecondId) errors.Add("secondId", "Le due anagrafiche coincidono.");
        if (errors.Any) throw new ValidationException(errors);
        var (first, second) = Ordered(input.FirstId!.Value, input.SecondId!.Value);
        var found = await db.Set<Customer>().IgnoreQueryFilters([SchedarioDb.SoftDeleteFilter]).CountAsync(c => c.Id == first || c.Id == second, ct);
        if (found < 2) throw new NotFoundException("Anagrafica non trovata.");
        if (await db.Set<DuplicateDismissal>().AnyAsync(d => d.FirstId == first && d.SecondId == second, ct)) return;
        db.Add(new DuplicateDismissal { FirstId = first, SecondId = second, DismissedBy = user, DismissedAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two users dismissed the same pair at once: the outcome is the same.
            db.ChangeTracker.Clear();
            if (!await db.Set<DuplicateDismissal>().AnyAsync(d => d.FirstId == first && d.SecondId == second, ct)) throw;
        }
    }

    /// <summary>
    /// Smaller id first. <see cref="Guid.CompareTo(Guid)"/> orders like the canonical text form, which
    /// is how PostgreSQL orders uuid and SQLite orders the upper-case text EF stores.
    /// </summary>
    public static (Guid, Guid) Ordered(Guid a, Guid b) => a.CompareTo(b) < 0 ? (a, b) : (b, a);

    sealed class PairRow
    {
        public Guid FirstId { get; set; }
        public Guid SecondId { get; set; }
        public int Score { get; set; }
        public int Reasons { get; set; }
    }

    // {0} is the largest group of records sharing a value that still counts as evidence.
    // Every branch emits (a_id < b_id); UNION keeps one row per pair and reason, GROUP BY adds reasons up.
    const string PairsSql = """
        SELECT p.a_id AS "FirstId", p.b_id AS "SecondId",
               CAST(CASE WHEN SUM(p.score) > 100 THEN 100 ELSE SUM(p.score) END AS INTEGER) AS "Score",
               CAST(SUM(p.bit) AS INTEGER) AS "Reasons"
        FROM (
            SELECT a."Id" AS a_id, b."Id" AS b_id, 1 AS bit, 100 AS score
            FROM customers a
            JOIN (SELECT k."TaxCode" FROM customers k WHERE k."TaxCode" IS NOT NULL AND NOT k."IsDeleted"
                  GROUP BY k."TaxCode" HAVING COUNT(*) BETWEEN 2 AND {0}) g ON g."TaxCode" = a."TaxCode"
            JOIN customers b ON b."TaxCode" = a."TaxCode" AND b."Id" > a."Id" AND b."Kind" = a."Kind" AND NOT b."IsDeleted"
            WHERE NOT a."IsDeleted"
          UNION
            SELECT a."Id", b."Id", 2, 95
            FROM customers a
            JOIN (SELECT k."VatNumber" FROM customers k WHERE k."VatNumber" IS NOT NULL AND NOT k."IsDeleted"
                  GROUP BY k."VatNumber" HAVING COUNT(*) BETWEEN 2 AND {0}) g ON g."VatNumber" = a."VatNumber"
            JOIN customers b ON b."VatNumber" = a."VatNumber" AND b."Id" > a."Id" AND b."Kind" = a."Kind" AND NOT b."IsDeleted"
            WHERE NOT a."IsDeleted"
          UNION
            SELECT pa."CustomerId", pb."CustomerId", 4, 80
            FROM customer_phones pa
            JOIN (SELECT k."E164" FROM customer_phones k JOIN customers kc ON kc."Id" = k."CustomerId" AND NOT kc."IsDeleted"
                  WHERE k."ReferentId" IS NULL
                  GROUP BY k."E164" HAVING COUNT(DISTINCT k."CustomerId") BETWEEN 2 AND {0}) g ON g."E164" = pa."E164"
            JOIN customer_phones pb ON pb."E164" = pa."E164" AND pb."CustomerId" > pa."CustomerId" AND pb."ReferentId" IS NULL
            JOIN customers a ON a."Id" = pa."CustomerId" AND NOT a."IsDeleted"
            JOIN customers b ON b."Id" = pb."CustomerId" AND NOT b."IsDeleted" AND b."Kind" = a."Kind"
            WHERE pa."ReferentId" IS NULL
          UNION
            SELECT ea."CustomerId", eb."CustomerId", 8, 70
            FROM customer_emails ea
            JOIN (SELECT k."Address" FROM customer_emails k JOIN customers kc ON kc."Id" = k."CustomerId" AND NOT kc."IsDeleted"
                  WHERE k."ReferentId" IS NULL
                  GROUP BY k."Address" HAVING COUNT(DISTINCT k."CustomerId") BETWEEN 2 AND {0}) g ON g."Address" = ea."Address"
            JOIN customer_emails eb ON eb."Address" = ea."Address" AND eb."CustomerId" > ea."CustomerId" AND eb."ReferentId" IS NULL
            JOIN customers a ON a."Id" = ea."CustomerId" AND NOT a."IsDeleted"
            JOIN customers b ON b."Id" = eb."CustomerId" AND NOT b."IsDeleted" AND b."Kind" = a."Kind"
            WHERE ea."ReferentId" IS NULL
          UNION
            SELECT a."Id", b."Id", 16, 60
            FROM customers a
            JOIN (SELECT k."City", k."SearchName" FROM customers k
                  WHERE k."City" IS NOT NULL AND k."SearchName" <> '' AND NOT k."IsDeleted"
                  GROUP BY k."City", k."SearchName" HAVING COUNT(*) BETWEEN 2 AND {0}) g ON g."City" = a."City" AND g."SearchName" = a."SearchName"
            JOIN customers b ON b."City" = a."City" AND b."SearchName" = a."SearchName" AND b."Id" > a."Id" AND b."Kind" = a."Kind" AND NOT b."IsDeleted"
            WHERE NOT a."IsDeleted"
          UNION
            -- First and last name swapped ("Mario Rossi" typed as first name Rossi, last name Mario).
            SELECT CASE WHEN a."Id" < b."Id" THEN a."Id" ELSE b."Id" END,
                   CASE WHEN a."Id" < b."Id" THEN b."Id" ELSE a."Id" END, 16, 60
            FROM customers a
            JOIN customers b ON b."SearchNameAlt" = a."SearchName" AND b."City" = a."City" AND b."Id" <> a."Id"
                 AND b."Kind" = a."Kind" AND NOT b."IsDeleted"
            WHERE NOT a."IsDeleted" AND a."Kind" = 'Person' AND a."City" IS NOT NULL
              AND a."SearchName" <> '' AND a."SearchName" <> a."SearchNameAlt"
        ) p
        WHERE NOT EXISTS (SELECT 1 FROM duplicate_dismissals d WHERE d."FirstId" = p.a_id AND d."SecondId" = p.b_id)
        GROUP BY p.a_id, p.b_id
        """;

    static string EncodeCursor(PairRow r) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{r.Score}|{r.FirstId:N}|{r.SecondId:N}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static (int, Guid, Guid)? DecodeCursor(string cursor)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('|');
            return parts.Length == 3 && int.TryParse(parts[0], out var score)
                   && Guid.TryParseExact(parts[1], "N", out var first) && Guid.TryParseExact(parts[2], "N", out var second)
                ? (score, first, second)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
