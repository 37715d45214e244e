using Microsoft.EntityFrameworkCore;
using Schedario.Web.Campaigns;
using Schedario.Web.Data;
using Schedario.Web.Registry;

namespace Schedario.Bench;

/// <summary>Names and do-not-call lists as the campaign and dialer drivers seed them.</summary>
static class BenchLists
{
    /// <summary><paramref name="count"/> people named <paramref name="prefix"/>0… with main phone <c>+39333{i:D7}</c>.</summary>
    public static List<Customer> People(int count, string prefix, DateTime now) =>
        Enumerable.Range(0, count).Select(i => new Customer
        {
            Kind = CustomerKind.Person, Stage = LifecycleStage.Lead, LastName = $"{prefix}{i}", DisplayName = $"{prefix}{i}",
            SearchName = $"{prefix.ToLowerInvariant()}{i}", SearchNameAlt = $"{prefix.ToLowerInvariant()}{i}",
            MainPhone = Phone(i), CreatedAt = now, CreatedBy = "bench", UpdatedAt = now, UpdatedBy = "bench",
        }).ToList();

    public static string Phone(int i) => $"+39333{i:D7}";

    /// <summary>
    /// An opposition register's worth of numbers on the do-not-call list (<c>+39320…</c>: none of them a
    /// seeded person's), as a real list looks: the probes of every claim run against it.
    /// </summary>
    public static Task RegisterAsync(SchedarioDb db, DatabaseProvider provider, DateTime now, int count) =>
        db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Postgres
            ? """
              INSERT INTO do_not_call ("Number", "Source", "AddedAt", "AddedBy")
              SELECT '+39320' || lpad(g::text, 7, '0'), 'Register', {0}, 'bench' FROM generate_series(1, {1}) g
              """
            : """
              WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {1})
              INSERT INTO do_not_call ("Number", "Source", "AddedAt", "AddedBy")
              SELECT '+39320' || substr('0000000' || n, -7), 'Register', {0}, 'bench' FROM g
              """, now, count);

    /// <summary>The campaign's entries whose main phone is on the do-not-call list: the driver checks none was served.</summary>
    public static async Task<HashSet<long>> ListedEntryIdsAsync(SchedarioDb db, int campaign) =>
        (await (from e in db.CampaignEntries()
                join c in db.Set<Customer>() on e.CustomerId equals c.Id
                where e.CampaignId == campaign && db.Set<Schedario.Web.CallCenter.Compliance.DoNotCallNumber>().Any(d => d.Number == c.MainPhone)
                select e.Id).ToListAsync()).ToHashSet();
}
