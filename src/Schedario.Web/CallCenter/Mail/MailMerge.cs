using System.Globalization;
using System.Text.RegularExpressions;

namespace Schedario.Web.CallCenter.Mail;

/// <summary>The record's data a template can name.</summary>
public sealed record MergeRecord(string DisplayName, string? LastName = null, string? CompanyName = null, string? TaxCode = null,
    string? VatNumber = null, string? City = null);

/// <summary>Who sends: the operator's display name and the agency (MAILFROMNAME).</summary>
public sealed record MergeSender(string OperatorName, string Agency);

/// <summary>
/// Merge fields in a template's subject and body: <c>{{nome}}</c>, <c>{{cognome}}</c>… A pure
/// function of its inputs; the field names are the seed's Italian words, as the templates are
/// written by Italian administrators.
/// </summary>
public static partial class MailMerge
{
    /// <summary>Every field a template may use, with what it becomes.</summary>
    public static readonly IReadOnlyDictionary<string, string> Fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["nome"] = "Nome visualizzato dell'anagrafica (nome e cognome, o ragione sociale)",
        ["cognome"] = "Cognome",
        ["ragioneSociale"] = "Ragione sociale",
        ["codiceFiscale"] = "Codice fiscale",
        ["partitaIva"] = "Partita IVA",
        ["citta"] = "Città",
        ["data"] = "Data di oggi (gg/mm/aaaa)",
        ["operatore"] = "Nome dell'operatore che invia",
        ["agenzia"] = "Nome del mittente (parametro MAILFROMNAME)",
    };

    [GeneratedRegex(@"\{\{\s*([^{}\s]*)\s*\}\}")]
    private static partial Regex FieldPattern();

    /// <summary>The distinct field names in <paramref name="text"/> that are not merge fields, as written.</summary>
    public static IReadOnlyList<string> UnknownFields(string? text) =>
        string.IsNullOrEmpty(text)
            ? []
            : FieldPattern().Matches(text).Select(m => m.Groups[1].Value).Where(f => !Fields.ContainsKey(f)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Replaces every known field; an unknown one is left as written (saving a template refuses them first).</summary>
    public static string Render(string? template, MergeRecord customer, MergeSender sender, DateOnly today)
    {
        if (string.IsNullOrEmpty(template)) return "";
        return FieldPattern().Replace(template, m => m.Groups[1].Value.ToLowerInvariant() switch
        {
            "nome" => customer.DisplayName,
            "cognome" => customer.LastName ?? "",
            "ragionesociale" => customer.CompanyName ?? "",
            "codicefiscale" => customer.TaxCode ?? "",
            "partitaiva" => customer.VatNumber ?? "",
            "citta" => customer.City ?? "",
            "data" => today.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
            "operatore" => sender.OperatorName,
            "agenzia" => sender.Agency,
            _ => m.Value,
        });
    }

    /// <summary>Subject and body of a template, merged.</summary>
    public static (string Subject, string Body) Render(MailTemplate template, MergeRecord customer, MergeSender sender, DateOnly today) =>
        (Render(template.Subject, customer, sender, today), Render(template.Body, customer, sender, today));
}
