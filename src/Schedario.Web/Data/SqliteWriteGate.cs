using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace Schedario.Web.Data;

/// <summary>
/// SQLite has one writer per file. Microsoft.Data.Sqlite answers a busy file by sleeping and
/// retrying, so many writers of one process racing for the lock wait in sleeps, not in a queue
/// (Next's SQLite tail was 2.4 s). Hot write paths take this gate first: writers of this process
/// queue in order and the file lock is almost never found busy. No-op on PostgreSQL.
/// </summary>
public static class SqliteWriteGate
{
    static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new();

    public static async ValueTask<IDisposable?> EnterAsync(SchedarioDb db, CancellationToken ct = default)
    {
        if (db.Provider != DatabaseProvider.Sqlite) return null;
        var gate = Gates.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Releaser(gate);
    }

    sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        int released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) gate.Release();
        }
    }
}
