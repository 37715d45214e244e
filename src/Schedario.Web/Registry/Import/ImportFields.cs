using Schedario.Web.Registry.Normalization;

namespace Schedario.Web.Registry.Import;

/// <summary>The registry fields a file column can be mapped to, and the headers that suggest each.</summary>
public static class ImportFields
{
    public sealed record Field(string Key, string Label, string[] Synonyms);

    public static readonly Field[] All =
    [
        new("externalId", "Codice esterno", ["external id", "externalid", "id esterno", "codice esterno", "codice cliente", "id"]),
        new("kind", "Tipo (privato/azienda)", ["kind", "tipo", "tipo anagrafica", "tipologia"]),
        new("stage", "Stato", ["stage", "stato", "fase"]),
        new("lastName", "Cognome", ["cognome", "last name", "lastname", "surname"]),
        new("firstName", "Nome", ["nome", "first name", "firstname", "name"]),
        new("companyName", "Ragione sociale", ["ragione sociale", "company", "company name", "azienda", "denominazione"]),
        new("legalForm", "Forma giuridica", ["forma giuridica", "legal form"]),
        new("taxCode", "Codice fiscale", ["codice fiscale", "cf", "cod fisc", "tax code", "taxcode"]),
        new("vatNumber", "Partita IVA", ["partita iva", "p iva", "piva", "vat", "vat number", "vatnumber"]),
        new("street", "Indirizzo", ["indirizzo", "via", "street", "address"]),
        new("houseNumber", "Civico", ["civico", "numero civico", "n civico", "house number", "housenumber"]),
        new("postalCode", "CAP", ["cap", "postal code", "postalcode", "zip"]),
        new("city", "Comune", ["comune", "citta", "localita", "city", "town"]),
        new("province", "Provincia", ["provincia", "prov", "sigla provincia", "province"]),
        new("country", "Paese", ["paese", "nazione", "country"]),
        new("phone", "Telefono", ["telefono", "tel", "phone", "telefono fisso", "fisso", "landline"]),
        new("mobile", "Cellulare", ["cellulare", "cell", "mobile", "telefono cellulare"]),
        new("phone2", "Altro telefono", ["telefono 2", "telefono2", "altro telefono", "phone 2", "phone2"]),
        new("email", "E-mail", ["email", "e mail", "mail", "posta elettronica"]),
        new("email2", "Altra e-mail", ["email 2", "email2", "altra email", "pec"]),
        new("notes", "Note", ["note", "notes", "annotazioni"]),
        new("documentType", "Tipo documento", ["tipo documento", "document type"]),
        new("documentNumber", "Numero documento", ["numero documento", "n documento", "document number"]),
        new("consentMarketingPhone", "Consenso marketing telefono", ["consenso telefono", "consenso marketing telefono", "privacy telefono", "consent phone"]),
        new("consentMarketingEmail", "Consenso marketing e-mail", ["consenso email", "consenso marketing email", "privacy email", "consent email"]),
        new("consentMarketingSms", "Consenso marketing SMS", ["consenso sms", "consenso marketing sms", "consent sms"]),
        new("consentProfiling", "Consenso profilazione", ["consenso profilazione", "profilazione", "consent profiling"]),
        new("agency", "Agenzia (codice)", ["agenzia", "codice agenzia", "agency"]),
        new("owner", "Proprietario (agente o operatore)", ["proprietario", "titolare", "agente", "operatore", "owner"]),
        new("ownerPortfolio", "Tipo portafoglio del proprietario", ["portafoglio", "tipo portafoglio", "portfolio"]),
        new("referrer", "Segnalatore", ["segnalatore", "referrer", "segnalato da"]),
        new("consentThirdParties", "Consenso cessione a terzi", ["consenso terzi", "cessione a terzi", "consent third parties"]),
    ];

    public static readonly HashSet<string> Keys = All.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>Suggests a mapping from the header row: exact synonym first, then the field key itself.</summary>
    public static Dictionary<string, string> Suggest(IReadOnlyList<string> headers)
    {
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new HashSet<string>();
        foreach (var header in headers)
        {
            var key = TextNormalizer.SearchKey(header);
            var field = All.FirstOrDefault(f => !taken.Contains(f.Key) && (f.Synonyms.Contains(key) || TextNormalizer.SearchKey(f.Key) == key));
            if (field is null) continue;
            mapping[header] = field.Key;
            taken.Add(field.Key);
        }
        return mapping;
    }

    // Once, not once per row.
    static readonly (string Key, string? Type)[] PhoneFields = [("mobile", "mobile"), ("phone", null), ("phone2", null)];
    static readonly string[] EmailFields = ["email", "email2"];
    static readonly (string Key, string Purpose, string Channel)[] ConsentFields =
    [
        ("consentMarketingPhone", "marketing", "phone"), ("consentMarketingEmail", "marketing", "email"),
        ("consentMarketingSms", "marketing", "sms"), ("consentProfiling", "profiling", "phone"),
        ("consentThirdParties", "thirdParties", "phone"),
    ];

    /// <summary>Turns one file row into the input every other write path uses.</summary>
    public static CustomerInput ToInput(IReadOnlyDictionary<string, string?> v, DateTime now)
    {
        string? Get(string key) => v.TryGetValue(key, out var s) && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;
        var company = Get("companyName");
        var kind = Get("kind") is { } k ? KindOf(k) : company is not null && Get("lastName") is null ? "company" : "person";
        var phones = new List<PhoneDto>();
        foreach (var (key, type) in PhoneFields)
            if (Get(key) is { } number) phones.Add(new PhoneDto(type, number, null, phones.Count == 0));
        var emails = new List<EmailDto>();
        foreach (var key in EmailFields)
            if (Get(key) is { } address) emails.Add(new EmailDto(address, emails.Count == 0));
        var hasAddress = Get("street") ?? Get("city") ?? Get("postalCode") ?? Get("province");
        var consents = new List<ConsentDto>();
        foreach (var (key, purpose, channel) in ConsentFields)
            if (Get(key) is { } given) consents.Add(new ConsentDto(purpose, channel, IsYes(given), now, "import", null));
        return new CustomerInput
        {
            Kind = kind, Stage = Get("stage") ?? "lead",
            FirstName = Get("firstName"), LastName = Get("lastName"), CompanyName = company, LegalForm = Get("legalForm"),
            TaxCode = Get("taxCode"), VatNumber = Get("vatNumber"), ExternalId = Get("externalId"), Notes = Get("notes"),
            DocumentType = Get("documentType"), DocumentNumber = Get("documentNumber"),
            Addresses = hasAddress is null ? [] : [new AddressDto(null, Get("street"), Get("houseNumber"), Get("postalCode"), Get("city"), Get("province"), null, Get("country"))],
            Phones = phones, Emails = emails, Consents = consents,
        };
    }

    static string KindOf(string text) => TextNormalizer.SearchKey(text) switch
    {
        "azienda" or "company" or "business" or "b2b" or "societa" or "ditta" => "company",
        "privato" or "person" or "retail" or "b2c" or "persona" or "persona fisica" => "person",
        _ => text, // left as is: validation names it
    };

    static bool IsYes(string text) => TextNormalizer.SearchKey(text) is "si" or "s" or "yes" or "y" or "true" or "1" or "x" or "ok";
}
