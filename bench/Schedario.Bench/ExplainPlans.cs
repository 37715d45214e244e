using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Registry;

namespace Schedario.Bench;

/// <summary>
/// The plans behind the read figures: the same LINQ shapes as <see cref="CustomerService"/>
/// (copied here because the service returns results, not queries), run as EXPLAIN ANALYZE on
/// PostgreSQL and EXPLAIN QUERY PLAN on SQLite with the command EF would send.
/// </summary>
static class ExplainPlans
{
    public static async Task PrintAsync(BenchDatabase database, string e164, string prefix, string province)
    {
        await using var db = database.CreateContext();
        var customers = db.Set<Customer>().AsNoTracking();

        var lookup = (from p in db.Set<CustomerPhone>().AsNoTracking()
                      join c in customers on p.CustomerId equals c.Id
                      where p.E164 == e164
                      orderby p.ReferentId != null, c.SearchName
                      select new LookupMatch(c.Id, c.DisplayName, p.E164, p.ReferentId)).Take(50);
        await PrintAsync(db, $"lookup {e164}", lookup);

        var search = QuickSearch.Apply(customers, db, prefix).OrderBy(c => c.SearchName).ThenBy(c => c.Id).Take(10).Select(CustomerMapping.Summary);
        await PrintAsync(db, $"search '{prefix}'", search);

        var list = new RegistryFilter { Provinces = [province] }.Apply(customers, db)
            .OrderBy(c => c.SearchName).ThenBy(c => c.Id).Take(51).Select(CustomerMapping.Summary);
        await PrintAsync(db, $"list province {province}", list);
    }

    static async Task PrintAsync<T>(DbContext db, string title, IQueryable<T> query)
    {
        await using DbCommand command = query.CreateDbCommand();
        var postgres = db.Database.ProviderName!.Contains("Npgsql", StringComparison.Ordinal);
        command.CommandText = (postgres ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN QUERY PLAN ") + command.CommandText;
        if (command.Connection!.State != System.Data.ConnectionState.Open) await command.Connection.OpenAsync();
        Console.WriteLine($"\n== {title}");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            // PostgreSQL: one text column; SQLite: id, parent, notused, detail.
            Console.WriteLine(postgres ? reader.GetString(0) : $"{reader.GetInt32(0),4} {reader.GetInt32(1),4} {reader.GetString(3)}");
    }
}
