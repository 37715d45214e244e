using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Normalization;

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

        var key = TextNormalizer.SearchKey(prefix);
        await PrintAsync(db, $"proposed search '{prefix}'", Proposed(db, key));

        var list = new RegistryFilter { Provinces = [province] }.Apply(customers, db)
            .OrderBy(c => c.SearchName).ThenBy(c => c.Id).Take(51).Select(CustomerMapping.Summary);
        await PrintAsync(db, $"list province {province}", list);
    }

    /// <summary>
    /// Quick search by name as three index-ordered branches, each stopped after the page size,
    /// then merged: reads a few index pages whatever the prefix, instead of every match of
    /// an OR over three ranges (all "mar…" rows) sorted for the top ten.
    /// </summary>
    static IQueryable<CustomerSummary> Proposed(DbContext db, string key, int limit = 10)
    {
        var customers = db.Set<Customer>().AsNoTracking();
        var upper = key + "\uffff";
        var city = TextNormalizer.PersonName(key)!;
        var cityUpper = city + "\uffff";
        var byName = customers.Where(c => string.Compare(c.SearchName, key) >= 0 && string.Compare(c.SearchName, upper) < 0)
            .OrderBy(c => c.SearchName).ThenBy(c => c.Id).Take(limit);
        var byAlt = customers.Where(c => string.Compare(c.SearchNameAlt, key) >= 0 && string.Compare(c.SearchNameAlt, upper) < 0)
            .OrderBy(c => c.SearchNameAlt).ThenBy(c => c.Id).Take(limit);
        var byCity = customers.Where(c => string.Compare(c.City, city) >= 0 && string.Compare(c.City, cityUpper) < 0)
            .OrderBy(c => c.City).ThenBy(c => c.SearchName).Take(limit);
        return byName.Union(byAlt).Union(byCity).OrderBy(c => c.SearchName).ThenBy(c => c.Id).Take(limit).Select(CustomerMapping.Summary);
    }

    public static Task<List<CustomerSummary>> ProposedSearch(DbContext db, string text) =>
        Proposed(db, TextNormalizer.SearchKey(text)).ToListAsync();

    internal static async Task PrintAsync<T>(DbContext db, string title, IQueryable<T> query)
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
