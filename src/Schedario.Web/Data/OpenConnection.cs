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
}
