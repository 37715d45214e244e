namespace Schedario.Web.Registry;

// The resource shapes other systems integrate on: add fields freely, rename none.

public sealed record AddressDto(string? Type, string? Street, string? HouseNumber, string? PostalCode, string? City,
    string? Province, string? Region, string? Country);

public sealed record PhoneDto(string? Type, string? Number, string? E164, bool IsMain);

public sealed record EmailDto(string? Address, bool IsMain);

public sealed record ReferentDto(Guid? Id, string? FirstName, string? LastName, string? Role, List<PhoneDto>? Phones, List<EmailDto>? Emails);

public sealed record SiteDto(Guid? Id, string? Name, string? Street, string? HouseNumber, string? PostalCode, string? City, string? Province, string? Region);

/// <summary>A consent as stated now; reading a record also returns when and from where it was recorded.</summary>
public sealed record ConsentDto(string? Purpose, string? Channel, bool Given, DateTime? At, string? Source, string? RecordedBy);

public sealed record CustomerCharacteristicDto(Guid Id, int CharacteristicId, string Code, string Description, string Category, DateOnly Date, string? Note, bool Current);

/// <summary>Body of POST and PUT /api/v1/customers. On PUT <see cref="Version"/> is required.</summary>
public sealed record CustomerInput
{
    public string? Kind { get; init; }
    public string? Stage { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? CompanyName { get; init; }
    public string? LegalForm { get; init; }
    public string? TaxCode { get; init; }
    public string? VatNumber { get; init; }
    public string? DocumentType { get; init; }
    public string? DocumentNumber { get; init; }
    public string? Notes { get; init; }
    public string? ExternalId { get; init; }
    public List<AddressDto>? Addresses { get; init; }
    public List<PhoneDto>? Phones { get; init; }
    public List<EmailDto>? Emails { get; init; }
    public List<ReferentDto>? Referents { get; init; }
    public List<SiteDto>? Sites { get; init; }
    public List<ConsentDto>? Consents { get; init; }
    public int? Version { get; init; }
}

public sealed record CustomerDto(
    Guid Id, string Kind, string Stage, string DisplayName,
    string? FirstName, string? LastName, string? CompanyName, string? LegalForm,
    string? TaxCode, string? VatNumber, string? DocumentType, string? DocumentNumber, string? Notes, string? ExternalId,
    List<AddressDto> Addresses, List<PhoneDto> Phones, List<EmailDto> Emails,
    List<ReferentDto> Referents, List<SiteDto> Sites, List<ConsentDto> Consents,
    List<CustomerCharacteristicDto> Characteristics,
    DateTime CreatedAt, string CreatedBy, DateTime UpdatedAt, string UpdatedBy, int Version,
    bool LegalHold = false, DateTime? ErasedAt = null, int? AgencyId = null);

/// <summary>One row of a list or search: what a grid shows without opening the card.</summary>
public sealed record CustomerSummary(Guid Id, string Kind, string Stage, string DisplayName, string? TaxCode, string? VatNumber,
    string? City, string? Province, string? Region, string? MainPhone, string? MainEmail, DateTime CreatedAt);

public sealed record CustomerPage(List<CustomerSummary> Items, string? NextCursor, long? Total);

public sealed record LookupMatch(Guid CustomerId, string DisplayName, string MatchedPhone, Guid? ReferentId);
public sealed record LookupResult(List<LookupMatch> Matches);

public static class EnumText
{
    /// <summary>camelCase wire name of an enum value ("ThirdParties" → "thirdParties").</summary>
    public static string Wire<T>(T value) where T : struct, Enum
    {
        var s = value.ToString();
        return char.ToLowerInvariant(s[0]) + s[1..];
    }

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim().Replace("_", "").Replace("-", "");
        // Numbers are not accepted: an API that takes "2" for a stage invites silent mistakes.
        if (t.All(char.IsDigit)) return false;
        return Enum.TryParse(t, ignoreCase: true, out value) && Enum.IsDefined(value);
    }
}
