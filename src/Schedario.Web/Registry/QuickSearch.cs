using Microsoft.EntityFrameworkCore;
using Schedario.Web.Registry.Italy;
using Schedario.Web.Registry.Normalization;

namespace Schedario.Web.Registry;

/// <summary>
/// The one search box: it guesses what was typed (phone, e-mail, codice fiscale, partita IVA,
/// name or city) and uses the index that answers it. Names match by word prefix
/// ("ross mar" finds "Rossi Mario" and "Mario Rossi").
/// </summary>
public static class QuickSearch
{
    /// <summary>
    /// The search as separate queries, each ordered the way its own index is, for "first N
    /// matches" (search as you type). One OR over three ranges sorted by name makes PostgreSQL
    /// walk the whole name index for a rare prefix; three short index scans never do.
    /// </summary>
    public static IReadOnlyList<IQueryable<Customer>> Branches(IQueryable<Customer> query, DbContext db, string text)
    {
        var key = TextNormalizer.SearchKey(text);
        if (!IsNameTerm(text) || key.Length == 0)
            return [Apply(query, db, text).OrderBy(c => c.SearchName).ThenBy(c => c.Id)];
        var upper = key + "\uffff";
        var city = TextNormalizer.PersonName(text.Trim())!;
        var cityUpper = city + "\uffff";
        return
        [
            query.Where(c => string.Compare(c.SearchName, key) >= 0 && string.Compare(c.SearchName, upper) < 0).OrderBy(c => c.SearchName).ThenBy(c => c.Id),
            query.Where(c => string.Compare(c.SearchNameAlt, key) >= 0 && string.Compare(c.SearchNameAlt, upper) < 0).OrderBy(c => c.SearchNameAlt).ThenBy(c => c.Id),
            query.Where(c => string.Compare(c.City, city) >= 0 && string.Compare(c.City, cityUpper) < 0).OrderBy(c => c.City).ThenBy(c => c.SearchName),
        ];
    }

    /// <summary>Not an e-mail, codice fiscale, partita IVA or phone: a name or a city.</summary>
    static bool IsNameTerm(string text)
    {
        var term = text.Trim();
        if (term.Contains('@')) return false;
        var compact = term.Replace(" ", "").ToUpperInvariant();
        if (compact.Length == 16 && CodiceFiscale.IsValid(compact)) return false;
        var digits = term.Count(char.IsDigit);
        return !(digits >= 6 && digits >= term.Count(char.IsLetter) * 3);
    }

    public static IQueryable<Customer> Apply(IQueryable<Customer> query, DbContext db, string text)
    {
        var term = text.Trim();
        var phones = db.Set<CustomerPhone>();

        if (term.Contains('@'))
        {
            var email = term.ToLowerInvariant();
            var emails = db.Set<CustomerEmail>();
            return query.Where(c => emails.Any(e => e.CustomerId == c.Id && e.Address.StartsWith(email)));
        }

        var compact = term.Replace(" ", "").ToUpperInvariant();
        if (compact.Length == 16 && CodiceFiscale.IsValid(compact))
            return query.Where(c => c.TaxCode == compact);

        var digits = new string(term.Where(char.IsDigit).ToArray());
        var mostlyDigits = digits.Length >= 6 && digits.Length >= term.Count(char.IsLetter) * 3;
        if (mostlyDigits)
        {
            var vat = PartitaIva.Normalize(term);
            var e164 = PhoneNormalizer.NormalizeOrNull(term);
            if (e164 is not null && PartitaIva.IsValid(vat))
                return query.Where(c => c.VatNumber == vat || c.TaxCode == vat || phones.Any(p => p.CustomerId == c.Id && p.E164 == e164));
            if (e164 is not null)
                return query.Where(c => phones.Any(p => p.CustomerId == c.Id && p.E164 == e164));
            if (PartitaIva.IsValid(vat))
                return query.Where(c => c.VatNumber == vat || c.TaxCode == vat);
            // A partial number: prefix on the national significant part.
            var prefix = "+39" + digits.TrimStart('0').Insert(0, digits.StartsWith('0') ? "0" : "");
            if (digits.StartsWith("39") && term.TrimStart().StartsWith('+')) prefix = "+" + digits;
            return query.Where(c => phones.Any(p => p.CustomerId == c.Id && p.E164.StartsWith(prefix)));
        }

        var key = TextNormalizer.SearchKey(term);
        if (key.Length == 0) return query.Where(c => false);
        var upper = key + "\uffff";
        var city = TextNormalizer.PersonName(term)!;
        var cityUpper = city + "\uffff";
        // Prefix ranges use the B-tree indexes on both providers; the city by prefix too.
        return query.Where(c =>
            (string.Compare(c.SearchName, key) >= 0 && string.Compare(c.SearchName, upper) < 0) ||
            (string.Compare(c.SearchNameAlt, key) >= 0 && string.Compare(c.SearchNameAlt, upper) < 0) ||
            (string.Compare(c.City, city) >= 0 && string.Compare(c.City, cityUpper) < 0));
    }
}
