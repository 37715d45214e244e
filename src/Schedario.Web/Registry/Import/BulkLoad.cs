using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Schedario.Web.Data;

namespace Schedario.Web.Registry.Import;

/// <summary>
/// The first big load into an empty registry on PostgreSQL (docs/decisions/0012): one transaction
/// that takes the registry tables for itself, drops their non-unique indexes and their foreign
/// keys, copies every row, then builds the indexes and checks the keys once each. Building an
/// index over a million sorted rows is several times cheaper than a million random inserts into
/// it, and one key check per table is cheaper than a trigger per row. Because DDL is
/// transactional on PostgreSQL, a failure or a crash rolls the drop back with the rows: the
/// tables can never be left without their indexes, and nothing half-imported stays.
/// </summary>
public sealed class BulkLoad : IAsyncDisposable
{
    readonly NpgsqlConnection _connection;
    readonly IDbContextTransaction _transaction;
    readonly List<string> _indexes;
    readonly List<(string Table, string Name, string Definition)> _foreignKeys;
    readonly ILogger _log;
    bool _done;

    BulkLoad(NpgsqlConnection connection, IDbContextTransaction transaction, List<string> indexes, List<(string, string, string)> foreignKeys, ILogger log)
    {
        _log = log;
        _connection = connection;
        _transaction = transaction;
        _indexes = indexes;
        _foreignKeys = foreignKeys;
    }

    public bool Committed => _done;

    /// <summary>How many indexes and foreign keys were set aside for the load.</summary>
    public (int Indexes, int ForeignKeys) Deferred => (_indexes.Count, _foreignKeys.Count);

    /// <summary>The tables a new record is written to: the customer and every child row <see cref="BulkWriter"/> copies.</summary>
    public static IReadOnlyList<string> RegistryTables(SchedarioDb db) =>
        new[] { typeof(Customer), typeof(CustomerAddress), typeof(CustomerPhone), typeof(CustomerEmail), typeof(Referent), typeof(CustomerSite), typeof(Consent), typeof(CustomerCharacteristic) }
            .Select(t => db.Model.FindEntityType(t)!.GetTableName()!).ToList();

    /// <summary>
    /// Starts a bulk load on <paramref name="db"/>'s connection when the registry is empty and its
    /// tables can be locked within <paramref name="lockTimeout"/>; null (and nothing changed) otherwise.
    /// </summary>
    public static async Task<BulkLoad?> TryBeginAsync(SchedarioDb db, TimeSpan lockTimeout, ILogger log, CancellationToken ct)
    {
        if (db.Provider != DatabaseProvider.Postgres) return null;
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var tables = RegistryTables(db);
            // Wait a little for readers to finish, never long: the alternative is the ordinary import, not a stall.
            await ExecuteAsync(connection, $"SET LOCAL lock_timeout = {(long)lockTimeout.TotalMilliseconds}", ct);
            try
            {
                await ExecuteAsync(connection, $"LOCK TABLE {string.Join(", ", tables.Select(Quote))} IN ACCESS EXCLUSIVE MODE", ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                log.LogInformation("Bulk load not used: the registry tables are in use ({Message})", e.MessageText);
                await transaction.DisposeAsync();
                return null;
            }
            // The batches arrive over minutes: neither the lock wait nor an idle-in-transaction limit may end the load.
            await ExecuteAsync(connection, "SET LOCAL lock_timeout = 0; SET LOCAL idle_in_transaction_session_timeout = 0", ct);
            // Under the lock nobody can add a record: "empty" stays true until we commit.
            if (await ScalarAsync<bool>(connection, $"SELECT EXISTS (SELECT 1 FROM {Quote(tables[0])})", ct))
            {
                await transaction.DisposeAsync();
                return null;
            }

            var indexes = new List<(string Name, string Definition)>();
            await using (var cmd = new NpgsqlCommand("""
                SELECT x.indexrelid::regclass::text, pg_get_indexdef(x.indexrelid)
                FROM pg_index x
                WHERE x.indrelid = ANY (SELECT to_regclass(t) FROM unnest(@tables) AS t)
                  AND NOT x.indisunique AND NOT x.indisprimary
                ORDER BY 1
                """, connection))
            {
                cmd.Parameters.AddWithValue("tables", tables.ToArray());
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
            var foreignKeys = new List<(string Table, string Name, string Definition)>();
            await using (var cmd = new NpgsqlCommand("""
                SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid)
                FROM pg_constraint c
                WHERE c.contype = 'f' AND c.conrelid = ANY (SELECT to_regclass(t) FROM unnest(@tables) AS t)
                ORDER BY 1, 2
                """, connection))
            {
                cmd.Parameters.AddWithValue("tables", tables.ToArray());
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) foreignKeys.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
            // Names and definitions come from the catalogue, not from input.
            try
            {
                foreach (var (table, name, _) in foreignKeys)
                    await ExecuteAsync(connection, $"ALTER TABLE {table} DROP CONSTRAINT {name}", ct);
                foreach (var (name, _) in indexes)
                    await ExecuteAsync(connection, $"DROP INDEX {name}", ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                // The app's role may not own the tables (migrations run by another): nothing is written yet, so fall back.
                log.LogInformation("Bulk load not used: {Message}", e.MessageText);
                await transaction.DisposeAsync();
                return null;
            }
            return new BulkLoad(connection, transaction, indexes.Select(i => i.Definition).ToList(), foreignKeys, log);
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    /// <summary>Builds the indexes, checks the foreign keys over the loaded rows, and commits everything at once.</summary>
    public async Task CommitAsync(CancellationToken ct, StageClock? stages = null)
    {
        // Sorting a million keys in memory rather than in temporary files; only for this transaction.
        await ExecuteAsync(_connection, "SET LOCAL maintenance_work_mem = '256MB'", ct);
        var took = new List<string>();
        var t = StageClock.Now();
        foreach (var definition in _indexes)
        {
            var one = StageClock.Now();
            await ExecuteAsync(_connection, definition, ct);
            took.Add(FormattableString.Invariant($"{definition.Split(' ')[2]} {System.Diagnostics.Stopwatch.GetElapsedTime(one).TotalSeconds:0.0} s"));
        }
        stages?.Add("bulk.indexes", t);
        t = StageClock.Now();
        foreach (var (table, name, definition) in _foreignKeys)
        {
            var one = StageClock.Now();
            await ExecuteAsync(_connection, $"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}", ct);
            took.Add(FormattableString.Invariant($"{name} {System.Diagnostics.Stopwatch.GetElapsedTime(one).TotalSeconds:0.0} s"));
        }
        stages?.Add("bulk.keys", t);
        _log.LogInformation("Bulk load: indexes and keys rebuilt: {Took}", string.Join(", ", took));
        t = StageClock.Now();
        await _transaction.CommitAsync(ct);
        stages?.Add("bulk.commit", t);
        _done = true;
    }

    /// <summary>Without <see cref="CommitAsync"/>, everything rolls back: rows, dropped indexes and keys alike.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_done)
        {
            try { await _transaction.RollbackAsync(CancellationToken.None); }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // A broken connection has rolled back on the server already.
            }
        }
        await _transaction.DisposeAsync();
    }

    static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        // Index builds over millions of rows outlast any ordinary command timeout.
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
