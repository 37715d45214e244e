using Schedario.Web.Shared;

namespace Schedario.Web.Registry;

public enum CustomerKind { Person, Company }
public enum LifecycleStage { Lead, Suspect, Prospect, Customer }
public enum PhoneType { Mobile, Landline, Fax, Other }
public enum AddressType { Residence, Legal, Billing, Shipping, Other }
public enum ConsentPurpose { Marketing, Profiling, ThirdParties }
public enum ConsentChannel { Phone, Email, Sms }
public enum IdentityDocumentType { IdentityCard, Passport, DrivingLicence, Other }

/// <summary>
/// A registry record (anagrafica): a person (retail/B2C) or a company (business/B2B).
/// The main address, phone and e-mail are copied onto the record on every write so that
/// lists filter and sort on one indexed table.
/// </summary>
public sealed class Customer
{
    public Guid Id { get; set; } = Ids.NewV7();
    public CustomerKind Kind { get; set; }
    public LifecycleStage Stage { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? CompanyName { get; set; }
    public string? LegalForm { get; set; }
    public string? TaxCode { get; set; }
    public string? VatNumber { get; set; }
    public IdentityDocumentType? DocumentType { get; set; }
    public string? DocumentNumber { get; set; }
    public string? Notes { get; set; }
    /// <summary>Key of the record in another system; imports match on it so a re-import updates.</summary>
    public string? ExternalId { get; set; }

    // Derived on every write (see CustomerNormalizer).
    public string DisplayName { get; set; } = "";
    /// <summary>Lower-case, accent-free "last first" or company name: prefix search key.</summary>
    public string SearchName { get; set; } = "";
    /// <summary>Lower-case, accent-free "first last" (persons) or the name without legal form.</summary>
    public string SearchNameAlt { get; set; } = "";
    public string? City { get; set; }
    public string? Province { get; set; }
    public string? Region { get; set; }
    public string? PostalCode { get; set; }
    public string? MainPhone { get; set; }
    public string? MainEmail { get; set; }

    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
    public bool IsDeleted { get; set; }
    public DateTime? DeletedAt { get; set; }
    /// <summary>The import that created the record, so that import can be reverted.</summary>
    public Guid? CreatedByImportId { get; set; }
    /// <summary>Optimistic concurrency token: bumped on every write, compared on save.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The agency whose record this is ("agency" visibility).</summary>
    public int? AgencyId { get; set; }
    /// <summary>The referrer (segnalatore) who brought the record in.</summary>
    public int? ReferrerId { get; set; }
    /// <summary>Under a legal hold the record cannot be erased (GDPR erasure is refused).</summary>
    public bool LegalHold { get; set; }
    /// <summary>When the person's data was anonymised on request (GDPR art. 17).</summary>
    public DateTime? ErasedAt { get; set; }

    public List<CustomerAddress> Addresses { get; set; } = [];
    public List<CustomerPhone> Phones { get; set; } = [];
    public List<CustomerEmail> Emails { get; set; } = [];
    public List<Referent> Referents { get; set; } = [];
    public List<CustomerSite> Sites { get; set; } = [];
    public List<Consent> Consents { get; set; } = [];
    public List<CustomerCharacteristic> Characteristics { get; set; } = [];
    /// <summary>Its owner per portfolio type (at most one each).</summary>
    public List<Organization.CustomerOwner> Owners { get; set; } = [];
}

public sealed class CustomerAddress
{
    public Guid Id { get; set; } = Ids.NewV7();
    public Guid CustomerId { get; set; }
    public AddressType Type { get; set; }
    public string? Street { get; set; }
    public string? HouseNumber { get; set; }
    public string? PostalCode { get; set; }
    public string? City { get; set; }
    public string? Province { get; set; }
    public string? Region { get; set; }
    public string Country { get; set; } = "IT";
    public int Position { get; set; }
}

/// <summary>A phone of a record, or of one of its referents when <see cref="ReferentId"/> is set.</summary>
public sealed class CustomerPhone
{
    public Guid Id { get; set; } = Ids.NewV7();
    public Guid CustomerId { get; set; }
    public Guid? ReferentId { get; set; }
    public PhoneType Type { get; set; }
    /// <summary>As the user typed it.</summary>
    public string Number { get; set; } = "";
    public string E164 { get; set; } = "";
    public bool IsMain { get; set; }
}

public sealed class CustomerEmail
{
    public Guid Id { get; set; } = Ids.NewV7();
    public Guid CustomerId { get; set; }
    public Guid? ReferentId { get; set; }
    public string Address { get; set; } = "";
    public bool IsMain { get; set; }
}

/// <summary>A person to talk to at a company (referente).</summary>
public sealed class Referent
{
    public Guid Id { get; set; } = Ids.NewV7();
    public Guid CustomerId { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Role { get; set; }
    // Its phones and e-mails live in the record's own lists, tagged with this referent's id,
    // so caller-ID lookup searches one table.
}

/// <summary>A branch or site of a company (sede).</summary>
public sealed class CustomerSite
{
    public Guid Id { get; set; } = Ids.NewV7();
    public Guid CustomerId { get; set; }
    public string Name { get; set; } = "";
    public string? Street { get; set; }
    public string? HouseNumber { get; set; }
    public string? PostalCode { get; set; }
    public string? City { get; set; }
    public string? Province { get; set; }
    public string? Region { get; set; }
}

/// <summary>
/// One statement of privacy consent. Never updated: a change adds a row, so the rows of a
/// record are its consent history and the newest per purpose and channel is in force.
/// </summary>
public sealed class Consent
{
    public Guid Id { get; set; } = Ids.NewV7();
    public Guid CustomerId { get; set; }
    public ConsentPurpose Purpose { get; set; }
    public ConsentChannel Channel { get; set; }
    public bool Given { get; set; }
    public DateTime At { get; set; }
    public string Source { get; set; } = "";
    public string RecordedBy { get; set; } = "";
}
