using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Schedario.Web.Data;

public static class OpenConnection
{
    /// <summary>
    /// Runs hand-written SQL on the context's own connection (in its transaction, if one is open),
    /// opening it for the work only when EF had not: the hot paths that one statement must serve.
    /// </summary>
    public static async Task<T> WithConnectionAsync<T>(this SchedarioDb db, Func<DbConnection, Task<T>> work, CancellationToken ct = default)
    {
        var conn = db.Database.GetDbConnection();
        var opened = conn.State != System.Data.ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try { return await work(conn); }
        finally { if (opened) await db.Database.CloseConnectionAsync(); }
    }

    /// <summary>A command for hand-written SQL with named parameters (<c>@name</c> in the text, both providers).</summary>
    public static DbCommand CreateCommand(this DbConnection conn, string sql, params (string Name, object Value)[] args)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }
}
