using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Schedario.Web.Audit;
using Schedario.Web.Data;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Compliance;

/// <summary>One import of the register: what the file held and what changed on the list.</summary>
public sealed record RegisterImportResult(long CheckId, DateTime CheckedAt, string? FileName, int Lines, int Listed, int Added, int Removed, int Malformed,
    List<MalformedLine> MalformedLines);

public sealed record RegisterCheckDto(long Id, DateTime CheckedAt, string ImportedBy, string? FileName, int Lines, int Listed, int Added, int Removed, int Malformed);

/// <summary>GET /do-not-call/register: the gate's state (last check, RPODAYS, stale) and the latest imports.</summary>
public sealed record RegisterHistory(DateTime? LastCheckAt, int MaxAgeDays, bool Stale, string? Message, int RegisterNumbers, List<RegisterCheckDto> Checks);

/// <summary>
/// Imports the Registro Pubblico delle Opposizioni's list. The file is read and checked first, with
/// no transaction open; then one transaction loads its numbers into a temporary table (binary COPY
/// on PostgreSQL, multi-row inserts on SQLite), removes the register's numbers the file no longer
/// lists, adds the new ones and records the check. Opt-outs and manual numbers are other rows and
/// are never touched. The same file twice changes nothing but adds a check.
/// </summary>
public sealed class OppositionRegisterService(SchedarioDb db, TimeProvider clock, AuditLog audit, ComplianceGate gate)
{
    const string Temp = "rpo_import";
    const int CommandTimeoutSeconds = 600;

    public async Task<RegisterImportResult> ImportAsync(Stream file, string? fileName, string user, CancellationToken ct = default)
    {
        var parsed = await OppositionRegisterFile.ParseAsync(file, ct);
        if (parsed.Numbers.Count == 0)
        {
            var message = parsed.Lines == 0
                ? "Il file è vuoto: nessun numero da importare."
                : $"Nessun numero valido nel file: {parsed.Malformed} righe non valide (righe {string.Join(", ", parsed.MalformedLines.Take(10).Select(m => m.Line))}{(parsed.Malformed > 10 ? ", …" : "")}). Nulla è stato cambiato.";
            throw new ValidationException(new FieldErrors().Add("file", message));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var by = user.Length > 100 ? user[..100] : user;
        var name = fileName is null ? null : Path.GetFileName(fileName) is { Length: > 260 } n ? n[..260] : Path.GetFileName(fileName);
        // Sorted keys go into the temporary table's index in order.
        var numbers = parsed.Numbers.ToArray();
        Array.Sort(numbers);

        int added = 0, removed = 0;
        var check = new OppositionRegisterCheck
        {
            CheckedAt = now, ImportedBy = by, FileName = name, Lines = parsed.Lines, Listed = numbers.Length, Malformed = parsed.Malformed,
        };
        using var writer = await SqliteWriteGate.EnterAsync(db, ct);
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var conn = db.Database.GetDbConnection();
                var dbTx = tx.GetDbTransaction();
                if (db.Provider == DatabaseProvider.Postgres) await LoadPostgresAsync((NpgsqlConnection)conn, dbTx, numbers, ct);
                else await LoadSqliteAsync(conn, dbTx, numbers, ct);

                removed = await ExecuteAsync(conn, dbTx, $"""
                    DELETE FROM do_not_call
                    WHERE "Source" = 'Register' AND NOT EXISTS (SELECT 1 FROM {Temp} i WHERE i.number = do_not_call."Number")
                    """, ct);
                added = await ExecuteAsync(conn, dbTx, $"""
                    INSERT INTO do_not_call ("Number", "Source", "AddedAt", "AddedBy")
                    SELECT i.number, 'Register', @now, @by FROM {Temp} i
                    WHERE NOT EXISTS (SELECT 1 FROM do_not_call d WHERE d."Number" = i.number AND d."Source" = 'Register')
                    """, ct, ("now", now), ("by", by));
                await ExecuteAsync(conn, dbTx, $"DROP TABLE {Temp}", ct);

                check.Added = added;
                check.Removed = removed;
                db.Add(check);
                audit.Add(AuditActions.Import, "oppositionRegister", null,
                    details: $"Registro delle opposizioni{(name is null ? "" : " (" + name + ")")}: {parsed.Lines} righe, {numbers.Length} numeri, {added} aggiunti, {removed} tolti, {parsed.Malformed} righe non valide");
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            finally { await db.Database.CloseConnectionAsync(); }
        });
        gate.Refresh();
        return new RegisterImportResult(check.Id, check.CheckedAt, name, parsed.Lines, numbers.Length, added, removed, parsed.Malformed, parsed.MalformedLines);
    }

    /// <summary>Two imports at once (two nodes, two tabs) take turns: each diff is then against the other's committed result.</summary>
    const long ImportLockKey = 0x5250_4F5F_494D_5054; // "RPO_IMPT"

    static async Task LoadPostgresAsync(NpgsqlConnection conn, DbTransaction tx, long[] numbers, CancellationToken ct)
    {
        await ExecuteAsync(conn, tx, $"SELECT pg_advisory_xact_lock({ImportLockKey})", ct);
        await ExecuteAsync(conn, tx, $"CREATE TEMP TABLE {Temp} (number varchar(20) NOT NULL) ON COMMIT DROP", ct);
        await using (var importer = await conn.BeginBinaryImportAsync($"COPY {Temp} (number) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var n in numbers)
            {
                importer.StartRow();
                importer.Write(ParsedRegisterFile.ToE164(n), NpgsqlDbType.Varchar);
            }
            await importer.CompleteAsync(ct);
        }
        // The temporary table has no statistics yet: without them the planner guesses a tiny table
        // and picks nested loops over a million rows.
        await ExecuteAsync(conn, tx, $"CREATE UNIQUE INDEX ON {Temp} (number); ANALYZE {Temp}", ct);
    }

    static async Task LoadSqliteAsync(DbConnection conn, DbTransaction tx, long[] numbers, CancellationToken ct)
    {
        // Temporary tables live as long as the (pooled) connection: start from none.
        await ExecuteAsync(conn, tx, $"DROP TABLE IF EXISTS temp.{Temp}; CREATE TEMP TABLE {Temp} (number TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID", ct);
        const int Batch = 500; // SQLite allows 999 parameters per statement on old builds; stay well under.
        DbCommand? full = null;
        try
        {
            for (var start = 0; start < numbers.Length; start += Batch)
            {
                var count = Math.Min(Batch, numbers.Length - start);
                DbCommand cmd;
                if (count == Batch && full is not null) cmd = full;
                else
                {
                    cmd = conn.CreateCommand();
                    cmd.Transaction = tx;
                    cmd.CommandText = $"INSERT INTO {Temp} (number) VALUES " + string.Join(",", Enumerable.Range(0, count).Select(i => $"(@p{i})"));
                    for (var i = 0; i < count; i++)
                    {
                        var p = cmd.CreateParameter();
                        p.ParameterName = "@p" + i;
                        cmd.Parameters.Add(p);
                    }
                    if (count == Batch) full = cmd;
                }
                for (var i = 0; i < count; i++) cmd.Parameters[i].Value = ParsedRegisterFile.ToE164(numbers[start + i]);
                await cmd.ExecuteNonQueryAsync(ct);
                if (cmd != full) await cmd.DisposeAsync();
            }
        }
        finally { if (full is not null) await full.DisposeAsync(); }
    }

    static async Task<int> ExecuteAsync(DbConnection conn, DbTransaction tx, string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = CommandTimeoutSeconds;
        foreach (var (n, v) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + n;
            p.Value = v;
            cmd.Parameters.Add(p);
        }
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The gate's state and the latest <paramref name="limit"/> imports, newest first.</summary>
    public async Task<RegisterHistory> HistoryAsync(int limit = 50, CancellationToken ct = default)
    {
        if (limit is < 1 or > 500) throw new ValidationException(new FieldErrors().Add("limit", "Da 1 a 500."));
        gate.Refresh();
        var status = await gate.StatusAsync(ct);
        var checks = await db.OppositionRegisterChecks().AsNoTracking().OrderByDescending(c => c.CheckedAt).ThenByDescending(c => c.Id).Take(limit)
            .Select(c => new RegisterCheckDto(c.Id, c.CheckedAt, c.ImportedBy, c.FileName, c.Lines, c.Listed, c.Added, c.Removed, c.Malformed)).ToListAsync(ct);
        var count = await db.DoNotCall().CountAsync(d => d.Source == DoNotCallSource.Register, ct);
        return new RegisterHistory(status.LastCheckAt, status.MaxAgeDays, status.Stale, status.Message, count, checks);
    }
}
