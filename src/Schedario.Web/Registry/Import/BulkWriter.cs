using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using System.Linq.Expressions;
using Npgsql;
using Schedario.Web.Data;

namespace Schedario.Web.Registry.Import;

/// <summary>
/// Inserts many new records with their child rows. On PostgreSQL it streams binary COPY (the
/// change tracker is for forms, not for a million rows); on SQLite it batches through EF inside
/// one transaction, which SQLite turns into a single fast write. Column lists come from the EF
/// model, so a new property is copied without touching this code.
/// </summary>
public static class BulkWriter
{
    public static async Task InsertAsync(SchedarioDb db, IReadOnlyList<Customer> customers, CancellationToken ct, StageClock? stages = null)
    {
        if (customers.Count == 0) return;
        var t = StageClock.Now();
        if (db.Provider == DatabaseProvider.Postgres)
        {
            await CopyAsync(db, customers, stages, ct);
            return;
        }
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            db.AddRange(customers);
            // New records of an import are on record as that import (one audit line, like COPY on PostgreSQL).
            Audit.AuditInterceptor.Suppress = true;
            try { await db.SaveChangesAsync(ct); }
            finally { Audit.AuditInterceptor.Suppress = false; }
            stages?.Add("write.records", t);
        }
        finally
        {
            db.ChangeTracker.Clear();
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    /// <summary>Any mapped rows (an import's error report, say): COPY on PostgreSQL, EF on SQLite.</summary>
    public static async Task InsertRowsAsync<T>(SchedarioDb db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        if (db.Provider == DatabaseProvider.Postgres)
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            if (connection.State != System.Data.ConnectionState.Open) await db.Database.OpenConnectionAsync(ct);
            await CopyRowsAsync(db, connection, rows, ct);
            return;
        }
        db.AddRange(rows);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    static async Task CopyAsync(SchedarioDb db, IReadOnlyList<Customer> customers, StageClock? stages, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await db.Database.OpenConnectionAsync(ct);
        async Task TimedAsync<T>(string stage, IEnumerable<T> rows) where T : class
        {
            var t = StageClock.Now();
            await CopyRowsAsync(db, connection, rows, ct);
            stages?.Add(stage, t);
        }
        await TimedAsync("write.customers", customers);
        await TimedAsync("write.addresses", customers.SelectMany(c => c.Addresses));
        await TimedAsync("write.referents", customers.SelectMany(c => c.Referents));
        await TimedAsync("write.phones", customers.SelectMany(c => c.Phones));
        await TimedAsync("write.emails", customers.SelectMany(c => c.Emails));
        await TimedAsync("write.sites", customers.SelectMany(c => c.Sites));
        await TimedAsync("write.consents", customers.SelectMany(c => c.Consents));
        await TimedAsync("write.characteristics", customers.SelectMany(c => c.Characteristics));
        await TimedAsync("write.owners", customers.SelectMany(c => c.Owners));
    }

    static async Task CopyRowsAsync<T>(SchedarioDb db, NpgsqlConnection connection, IEnumerable<T> rows, CancellationToken ct) where T : class
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = Columns<T>.Get(entity, table);
        using var enumerator = rows.GetEnumerator();
        if (!enumerator.MoveNext()) return;
        var sql = $"COPY \"{table.Name}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(sql, ct);
        // Values go into the importer's buffer synchronously; the socket is written when it fills.
        // Per value, an awaited call and a boxed value resolved by type name cost more than the
        // database's work on the row.
        do
        {
            importer.StartRow();
            foreach (var column in columns) column.Write(importer, enumerator.Current);
        } while (enumerator.MoveNext());
        await importer.CompleteAsync(ct);
    }

    sealed record Column<T>(string Name, Action<NpgsqlBinaryImporter, T> Write);

    /// <summary>Column lists per entity, built once from the model, each with a compiled, typed writer.</summary>
    static class Columns<T> where T : class
    {
        static readonly System.Collections.Concurrent.ConcurrentDictionary<IEntityType, Column<T>[]> Cache = new();

        static readonly System.Reflection.MethodInfo WriteValue = typeof(NpgsqlBinaryImporter).GetMethods()
            .Single(m => m is { Name: nameof(NpgsqlBinaryImporter.Write), IsGenericMethodDefinition: true }
                         && m.GetParameters() is [_, { ParameterType: var p }] && p == typeof(string));
        static readonly System.Reflection.MethodInfo WriteNull = typeof(NpgsqlBinaryImporter).GetMethod(nameof(NpgsqlBinaryImporter.WriteNull))!;

        public static Column<T>[] Get(IEntityType entity, StoreObjectIdentifier table) => Cache.GetOrAdd(entity, e =>
            // Keys the database generates (identity columns) are left to it.
            e.GetProperties().Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never))
                .Select(p => new Column<T>(p.GetColumnName(table)!, Writer(p, table))).ToArray());

        /// <summary>(importer, row) => row.P is null ? importer.WriteNull() : importer.Write&lt;TProvider&gt;(convert(row.P), "type").</summary>
        static Action<NpgsqlBinaryImporter, T> Writer(IProperty property, StoreObjectIdentifier table)
        {
            // "character varying(100)" → "character varying": the importer wants the type, not its facets.
            var storeType = property.GetColumnType(table)!;
            var paren = storeType.IndexOf('(');
            var dataTypeName = paren < 0 ? storeType : storeType[..paren];
            var converter = property.GetValueConverter() ?? property.GetTypeMapping().Converter;
            var importer = Expression.Parameter(typeof(NpgsqlBinaryImporter), "importer");
            var row = Expression.Parameter(typeof(T), "row");
            if (property.PropertyInfo is not { } info || property.IsShadowProperty())
                throw new InvalidOperationException($"{typeof(T).Name}.{property.Name} has no CLR property to copy from.");
            Expression value = Expression.Property(row, info);
            Expression? isNull = null;
            if (Nullable.GetUnderlyingType(value.Type) is not null)
            {
                isNull = Expression.Not(Expression.Property(value, nameof(Nullable<int>.HasValue)));
                value = Expression.Property(value, nameof(Nullable<int>.Value));
            }
            else if (!value.Type.IsValueType)
                isNull = Expression.Equal(value, Expression.Constant(null, value.Type));
            if (converter is not null)
            {
                var toProvider = converter.ConvertToProviderExpression;
                value = Expression.Invoke(toProvider, Expression.Convert(value, toProvider.Parameters[0].Type));
            }
            Expression write = Expression.Call(importer, WriteValue.MakeGenericMethod(value.Type), value, Expression.Constant(dataTypeName));
            if (isNull is not null) write = Expression.IfThenElse(isNull, Expression.Call(importer, WriteNull), write);
            return Expression.Lambda<Action<NpgsqlBinaryImporter, T>>(write, importer, row).Compile();
        }
    }
}
