using System.Linq.Expressions;

namespace Schedario.Web.Registry;

static class CustomerMapping
{
    public static readonly Expression<Func<Customer, CustomerSummary>> Summary = c => new CustomerSummary(
        c.Id, c.Kind == CustomerKind.Person ? "person" : "company",
        c.Stage == LifecycleStage.Lead ? "lead" : c.Stage == LifecycleStage.Suspect ? "suspect" : c.Stage == LifecycleStage.Prospect ? "prospect" : "customer",
        c.DisplayName, c.TaxCode, c.VatNumber, c.City, c.Province, c.Region, c.MainPhone, c.MainEmail, c.CreatedAt);

    public static CustomerDto ToDto(Customer c, List<CustomerCharacteristicDto> characteristics)
    {
        PhoneDto Phone(CustomerPhone p) => new(EnumText.Wire(p.Type), p.Number, p.E164, p.IsMain);
        EmailDto Email(CustomerEmail e) => new(e.Address, e.IsMain);
        // The consents in force: newest statement per purpose and channel.
        var consents = c.Consents.GroupBy(x => (x.Purpose, x.Channel))
            .Select(g => g.OrderByDescending(x => x.At).First())
            .OrderBy(x => x.Purpose).ThenBy(x => x.Channel)
            .Select(x => new ConsentDto(EnumText.Wire(x.Purpose), EnumText.Wire(x.Channel), x.Given, x.At, x.Source, x.RecordedBy))
            .ToList();
        return new CustomerDto(
            c.Id, EnumText.Wire(c.Kind), EnumText.Wire(c.Stage), c.DisplayName,
            c.FirstName, c.LastName, c.CompanyName, c.LegalForm, c.TaxCode, c.VatNumber,
            c.DocumentType is { } dt ? EnumText.Wire(dt) : null, c.DocumentNumber, c.Notes, c.ExternalId,
            c.Addresses.OrderBy(a => a.Position).Select(a => new AddressDto(EnumText.Wire(a.Type), a.Street, a.HouseNumber, a.PostalCode, a.City, a.Province, a.Region, a.Country)).ToList(),
            c.Phones.Where(p => p.ReferentId is null).OrderByDescending(p => p.IsMain).Select(Phone).ToList(),
            c.Emails.Where(e => e.ReferentId is null).OrderByDescending(e => e.IsMain).Select(Email).ToList(),
            c.Referents.Select(r => new ReferentDto(r.Id, r.FirstName, r.LastName, r.Role,
                c.Phones.Where(p => p.ReferentId == r.Id).Select(Phone).ToList(),
                c.Emails.Where(e => e.ReferentId == r.Id).Select(Email).ToList())).ToList(),
            c.Sites.Select(s => new SiteDto(s.Id, s.Name, s.Street, s.HouseNumber, s.PostalCode, s.City, s.Province, s.Region)).ToList(),
            consents, characteristics,
            c.CreatedAt, c.CreatedBy, c.UpdatedAt, c.UpdatedBy, c.Version, c.LegalHold, c.ErasedAt, c.AgencyId);
    }

    /// <summary>The input that would write the record as it is: the starting point of an edit form.</summary>
    public static CustomerInput ToInput(CustomerDto d) => new()
    {
        Kind = d.Kind, Stage = d.Stage, FirstName = d.FirstName, LastName = d.LastName, CompanyName = d.CompanyName,
        LegalForm = d.LegalForm, TaxCode = d.TaxCode, VatNumber = d.VatNumber, DocumentType = d.DocumentType,
        DocumentNumber = d.DocumentNumber, Notes = d.Notes, ExternalId = d.ExternalId,
        Addresses = d.Addresses.ToList(), Phones = d.Phones.ToList(), Emails = d.Emails.ToList(),
        Referents = d.Referents.ToList(), Sites = d.Sites.ToList(), Consents = d.Consents.ToList(), Version = d.Version,
    };
}
