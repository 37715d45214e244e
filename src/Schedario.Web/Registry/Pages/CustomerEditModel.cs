namespace Schedario.Web.Registry.Pages;

/// <summary>Mutable form state of the record card; converted to a <see cref="CustomerInput"/> on save.</summary>
public sealed class CustomerEditModel
{
    public string Kind { get; set; } = "person";
    public string Stage { get; set; } = "lead";
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? CompanyName { get; set; }
    public string? LegalForm { get; set; }
    public string? TaxCode { get; set; }
    public string? VatNumber { get; set; }
    public string? DocumentType { get; set; }
    public string? DocumentNumber { get; set; }
    public string? Notes { get; set; }
    public string? ExternalId { get; set; }
    public int? Version { get; set; }
    public List<AddressRow> Addresses { get; set; } = [];
    public List<PhoneRow> Phones { get; set; } = [];
    public List<EmailRow> Emails { get; set; } = [];
    public List<ReferentRow> Referents { get; set; } = [];
    public List<SiteRow> Sites { get; set; } = [];
    /// <summary>Consent in force per "purpose/channel".</summary>
    public Dictionary<string, bool> Consents { get; set; } = [];

    public static readonly string[] Purposes = ["marketing", "profiling", "thirdParties"];
    public static readonly string[] Channels = ["phone", "email", "sms"];

    public sealed class AddressRow { public string Type { get; set; } = "residence"; public string? Street { get; set; } public string? HouseNumber { get; set; } public string? PostalCode { get; set; } public string? City { get; set; } public string? Province { get; set; } }
    public sealed class PhoneRow { public string Type { get; set; } = "mobile"; public string? Number { get; set; } public bool IsMain { get; set; } }
    public sealed class EmailRow { public string? Address { get; set; } public bool IsMain { get; set; } }
    public sealed class ReferentRow { public string? FirstName { get; set; } public string? LastName { get; set; } public string? Role { get; set; } public string? Phone { get; set; } public string? Email { get; set; } }
    public sealed class SiteRow { public string? Name { get; set; } public string? Street { get; set; } public string? PostalCode { get; set; } public string? City { get; set; } public string? Province { get; set; } }

    public static CustomerEditModel From(CustomerDto d) => new()
    {
        Kind = d.Kind, Stage = d.Stage, FirstName = d.FirstName, LastName = d.LastName, CompanyName = d.CompanyName,
        LegalForm = d.LegalForm, TaxCode = d.TaxCode, VatNumber = d.VatNumber, DocumentType = d.DocumentType,
        DocumentNumber = d.DocumentNumber, Notes = d.Notes, ExternalId = d.ExternalId, Version = d.Version,
        Addresses = d.Addresses.Select(a => new AddressRow { Type = a.Type ?? "residence", Street = a.Street, HouseNumber = a.HouseNumber, PostalCode = a.PostalCode, City = a.City, Province = a.Province }).ToList(),
        Phones = d.Phones.Select(p => new PhoneRow { Type = p.Type ?? "mobile", Number = p.Number, IsMain = p.IsMain }).ToList(),
        Emails = d.Emails.Select(e => new EmailRow { Address = e.Address, IsMain = e.IsMain }).ToList(),
        Referents = d.Referents.Select(r => new ReferentRow { FirstName = r.FirstName, LastName = r.LastName, Role = r.Role, Phone = r.Phones?.FirstOrDefault()?.Number, Email = r.Emails?.FirstOrDefault()?.Address }).ToList(),
        Sites = d.Sites.Select(s => new SiteRow { Name = s.Name, Street = s.Street, PostalCode = s.PostalCode, City = s.City, Province = s.Province }).ToList(),
        Consents = d.Consents.ToDictionary(c => $"{c.Purpose}/{c.Channel}", c => c.Given),
    };

    public CustomerInput ToInput() => new()
    {
        Kind = Kind, Stage = Stage, FirstName = FirstName, LastName = LastName, CompanyName = CompanyName, LegalForm = LegalForm,
        TaxCode = TaxCode, VatNumber = VatNumber, DocumentType = DocumentType, DocumentNumber = DocumentNumber, Notes = Notes,
        ExternalId = ExternalId, Version = Version,
        Addresses = Addresses.Select(a => new AddressDto(a.Type, a.Street, a.HouseNumber, a.PostalCode, a.City, a.Province, null, "IT")).ToList(),
        Phones = Phones.Where(p => !string.IsNullOrWhiteSpace(p.Number)).Select(p => new PhoneDto(p.Type, p.Number, null, p.IsMain)).ToList(),
        Emails = Emails.Where(e => !string.IsNullOrWhiteSpace(e.Address)).Select(e => new EmailDto(e.Address, e.IsMain)).ToList(),
        Referents = Kind == "company" ? Referents.Select(r => new ReferentDto(null, r.FirstName, r.LastName, r.Role,
            string.IsNullOrWhiteSpace(r.Phone) ? [] : [new PhoneDto(null, r.Phone, null, true)],
            string.IsNullOrWhiteSpace(r.Email) ? [] : [new EmailDto(r.Email, true)])).ToList() : [],
        Sites = Kind == "company" ? Sites.Select(s => new SiteDto(null, s.Name, s.Street, null, s.PostalCode, s.City, s.Province, null)).ToList() : [],
        Consents = Consents.Select(kv => kv.Key.Split('/')).Select(k => new ConsentDto(k[0], k[1], Consents[$"{k[0]}/{k[1]}"], null, "scheda", null)).ToList(),
    };
}
