using Schedario.Web.Registry.Italy;
using Schedario.Web.Registry.Normalization;
using Schedario.Web.Shared;

namespace Schedario.Web.Registry;

/// <summary>
/// Validates and normalises a <see cref="CustomerInput"/> and writes it onto a <see cref="Customer"/>.
/// Every write path (form, API, import) goes through here, so every stored record is normalised
/// the same way: names cased, phones in E.164, e-mails lower case, province codes and CAP clean.
/// </summary>
public static class CustomerWriter
{
    public static FieldErrors Validate(CustomerInput input)
    {
        var errors = new FieldErrors();
        if (!EnumText.TryParse<CustomerKind>(input.Kind, out var kind))
            errors.Add("kind", "Indicare il tipo: person (privato) o company (azienda).");
        if (input.Stage is not null && !EnumText.TryParse<LifecycleStage>(input.Stage, out _))
            errors.Add("stage", "Stato non valido: lead, suspect, prospect o customer.");

        if (kind == CustomerKind.Person && errors.All.ContainsKey("kind") is false)
        {
            if (TextNormalizer.Clean(input.LastName) is null && TextNormalizer.Clean(input.FirstName) is null)
                errors.Add("lastName", "Indicare almeno il cognome o il nome.");
        }
        if (kind == CustomerKind.Company && TextNormalizer.Clean(input.CompanyName) is null)
            errors.Add("companyName", "La ragione sociale è obbligatoria per un'azienda.");

        var taxCode = CodiceFiscale.Normalize(input.TaxCode);
        if (taxCode.Length > 0)
        {
            // A company's codice fiscale is often its 11-digit partita IVA.
            var ok = CodiceFiscale.IsValid(taxCode) || (kind == CustomerKind.Company && PartitaIva.IsValid(taxCode));
            if (!ok) errors.Add("taxCode", "Codice fiscale non valido (controllare lunghezza, struttura e carattere di controllo).");
        }
        var vat = PartitaIva.Normalize(input.VatNumber);
        if (vat.Length > 0 && !PartitaIva.IsValid(vat))
            errors.Add("vatNumber", "Partita IVA non valida (11 cifre con cifra di controllo corretta).");

        if (input.DocumentType is not null && !EnumText.TryParse<IdentityDocumentType>(input.DocumentType, out _))
            errors.Add("documentType", "Tipo documento non valido: identityCard, passport, drivingLicence o other.");
        // Lengths match the columns: too long is the user's error, never a database failure.
        MaxLength(errors, "externalId", input.ExternalId, 100);
        MaxLength(errors, "notes", input.Notes, 4000);
        MaxLength(errors, "firstName", input.FirstName, 100);
        MaxLength(errors, "lastName", input.LastName, 100);
        MaxLength(errors, "companyName", input.CompanyName, 200);
        MaxLength(errors, "legalForm", input.LegalForm, 40);
        MaxLength(errors, "documentNumber", input.DocumentNumber, 40);

        ValidateAddresses(input.Addresses, "addresses", errors);
        ValidatePhones(input.Phones, "phones", errors);
        ValidateEmails(input.Emails, "emails", errors);
        for (var i = 0; i < (input.Referents?.Count ?? 0); i++)
        {
            var r = input.Referents![i];
            if (TextNormalizer.Clean(r.LastName) is null && TextNormalizer.Clean(r.FirstName) is null)
                errors.Add($"referents[{i}].lastName", "Indicare il nome del referente.");
            MaxLength(errors, $"referents[{i}].firstName", r.FirstName, 100);
            MaxLength(errors, $"referents[{i}].lastName", r.LastName, 100);
            MaxLength(errors, $"referents[{i}].role", r.Role, 100);
            ValidatePhones(r.Phones, $"referents[{i}].phones", errors);
            ValidateEmails(r.Emails, $"referents[{i}].emails", errors);
        }
        for (var i = 0; i < (input.Sites?.Count ?? 0); i++)
        {
            var s = input.Sites![i];
            if (TextNormalizer.Clean(s.Name) is null) errors.Add($"sites[{i}].name", "Indicare il nome della sede.");
            MaxLength(errors, $"sites[{i}].name", s.Name, 200);
            MaxLength(errors, $"sites[{i}].street", s.Street, 200);
            MaxLength(errors, $"sites[{i}].city", s.City, 100);
            ValidatePlace(s.PostalCode, s.Province, $"sites[{i}]", errors);
        }
        for (var i = 0; i < (input.Consents?.Count ?? 0); i++)
        {
            var c = input.Consents![i];
            if (!EnumText.TryParse<ConsentPurpose>(c.Purpose, out _))
                errors.Add($"consents[{i}].purpose", "Finalità non valida: marketing, profiling o thirdParties.");
            if (!EnumText.TryParse<ConsentChannel>(c.Channel, out _))
                errors.Add($"consents[{i}].channel", "Canale non valido: phone, email o sms.");
            MaxLength(errors, $"consents[{i}].source", c.Source, 100);
        }
        return errors;
    }

    static void MaxLength(FieldErrors errors, string field, string? value, int max)
    {
        if (value is not null && value.Trim().Length > max) errors.Add(field, $"Al massimo {max} caratteri.");
    }

    static void ValidateAddresses(List<AddressDto>? addresses, string path, FieldErrors errors)
    {
        for (var i = 0; i < (addresses?.Count ?? 0); i++)
        {
            var a = addresses![i];
            if (a.Type is not null && !EnumText.TryParse<AddressType>(a.Type, out _))
                errors.Add($"{path}[{i}].type", "Tipo indirizzo non valido: residence, legal, billing, shipping o other.");
            MaxLength(errors, $"{path}[{i}].street", a.Street, 200);
            MaxLength(errors, $"{path}[{i}].houseNumber", a.HouseNumber, 20);
            MaxLength(errors, $"{path}[{i}].city", a.City, 100);
            var country = string.IsNullOrWhiteSpace(a.Country) ? "IT" : a.Country.Trim().ToUpperInvariant();
            if (country.Length != 2) errors.Add($"{path}[{i}].country", "Paese: codice ISO di due lettere (IT).");
            if (country == "IT") ValidatePlace(a.PostalCode, a.Province, $"{path}[{i}]", errors);
        }
    }

    static void ValidatePlace(string? postalCode, string? province, string path, FieldErrors errors)
    {
        // Letters are a typo, not something to strip; a CAP that lost its leading zero in Excel is fine.
        if (!string.IsNullOrWhiteSpace(postalCode) && (postalCode.Any(char.IsLetter) || !PostalCode.IsValid(PostalCode.Normalize(postalCode))))
            errors.Add($"{path}.postalCode", "CAP non valido: cinque cifre.");
        if (!string.IsNullOrWhiteSpace(province) && ItalianProvinces.NormalizeCode(province) is null)
            errors.Add($"{path}.province", $"Provincia sconosciuta: '{province}'. Usare la sigla (MI, RM, NA…).");
    }

    static void ValidatePhones(List<PhoneDto>? phones, string path, FieldErrors errors)
    {
        for (var i = 0; i < (phones?.Count ?? 0); i++)
        {
            var p = phones![i];
            if (p.Number is { Length: > 40 } || !PhoneNormalizer.TryNormalize(p.Number, out _))
                errors.Add($"{path}[{i}].number", $"Numero di telefono non valido: '{p.Number}'.");
            if (p.Type is not null && !EnumText.TryParse<PhoneType>(p.Type, out _))
                errors.Add($"{path}[{i}].type", "Tipo telefono non valido: mobile, landline, fax o other.");
        }
    }

    static void ValidateEmails(List<EmailDto>? emails, string path, FieldErrors errors)
    {
        for (var i = 0; i < (emails?.Count ?? 0); i++)
        {
            var e = TextNormalizer.Email(emails![i].Address);
            if (e is null || !TextNormalizer.IsValidEmail(e))
                errors.Add($"{path}[{i}].address", $"Indirizzo e-mail non valido: '{emails[i].Address}'.");
        }
    }

    /// <summary>Writes a validated input onto the record (children replaced, consents appended).</summary>
    public static void Apply(CustomerInput input, Customer c, string user, DateTime now)
    {
        EnumText.TryParse<CustomerKind>(input.Kind, out var kind);
        c.Kind = kind;
        c.Stage = EnumText.TryParse<LifecycleStage>(input.Stage, out var stage) ? stage : c.Stage;
        c.FirstName = kind == CustomerKind.Person ? TextNormalizer.PersonName(input.FirstName) : null;
        c.LastName = kind == CustomerKind.Person ? TextNormalizer.PersonName(input.LastName) : null;
        c.CompanyName = kind == CustomerKind.Company ? TextNormalizer.Clean(input.CompanyName) : null;
        c.LegalForm = kind == CustomerKind.Company ? TextNormalizer.Clean(input.LegalForm) : null;
        c.TaxCode = NullIfEmpty(CodiceFiscale.Normalize(input.TaxCode));
        c.VatNumber = NullIfEmpty(PartitaIva.Normalize(input.VatNumber));
        c.DocumentType = EnumText.TryParse<IdentityDocumentType>(input.DocumentType, out var dt) ? dt : null;
        c.DocumentNumber = TextNormalizer.Clean(input.DocumentNumber)?.ToUpperInvariant();
        c.Notes = string.IsNullOrWhiteSpace(input.Notes) ? null : input.Notes.Trim();
        c.ExternalId = TextNormalizer.Clean(input.ExternalId);

        c.Addresses.Clear();
        var position = 0;
        foreach (var a in input.Addresses ?? [])
            c.Addresses.Add(ToAddress(a, c.Id, position++));
        c.Phones.Clear();
        c.Phones.AddRange(ToPhones(input.Phones, c.Id, null));
        c.Emails.Clear();
        c.Emails.AddRange(ToEmails(input.Emails, c.Id, null));

        c.Referents.Clear();
        foreach (var r in input.Referents ?? [])
        {
            var referent = new Referent
            {
                CustomerId = c.Id,
                FirstName = TextNormalizer.PersonName(r.FirstName),
                LastName = TextNormalizer.PersonName(r.LastName),
                Role = TextNormalizer.Clean(r.Role),
            };
            c.Phones.AddRange(ToPhones(r.Phones, c.Id, referent.Id));
            c.Emails.AddRange(ToEmails(r.Emails, c.Id, referent.Id));
            c.Referents.Add(referent);
        }
        c.Sites.Clear();
        foreach (var s in input.Sites ?? [])
        {
            var province = ItalianProvinces.NormalizeCode(s.Province);
            c.Sites.Add(new CustomerSite
            {
                CustomerId = c.Id,
                Name = TextNormalizer.Clean(s.Name) ?? "",
                Street = TextNormalizer.Clean(s.Street),
                HouseNumber = TextNormalizer.Clean(s.HouseNumber),
                PostalCode = NullIfEmpty(PostalCode.Normalize(s.PostalCode)),
                City = TextNormalizer.PersonName(s.City),
                Province = province,
                Region = ItalianProvinces.RegionOf(province),
            });
        }

        // Consents are history: a statement that differs from the one in force is appended.
        foreach (var input1 in input.Consents ?? [])
        {
            EnumText.TryParse<ConsentPurpose>(input1.Purpose, out var purpose);
            EnumText.TryParse<ConsentChannel>(input1.Channel, out var channel);
            var current = c.Consents.Where(x => x.Purpose == purpose && x.Channel == channel).MaxBy(x => x.At);
            if (current is not null && current.Given == input1.Given) continue;
            c.Consents.Add(new Consent
            {
                CustomerId = c.Id,
                Purpose = purpose,
                Channel = channel,
                Given = input1.Given,
                At = input1.At?.ToUniversalTime() ?? now,
                Source = TextNormalizer.Clean(input1.Source) ?? "manuale",
                RecordedBy = user,
            });
        }

        Derive(c);
        if (c.CreatedAt == default)
        {
            c.CreatedAt = now;
            c.CreatedBy = user;
        }
        c.UpdatedAt = now;
        c.UpdatedBy = user;
    }

    /// <summary>Recomputes the derived columns: display name, search keys, main place and contacts.</summary>
    public static void Derive(Customer c)
    {
        if (c.Kind == CustomerKind.Person)
        {
            c.DisplayName = string.IsNullOrEmpty(c.LastName) ? c.FirstName ?? ""
                : string.IsNullOrEmpty(c.FirstName) ? c.LastName : $"{c.LastName} {c.FirstName}";
            c.SearchName = TextNormalizer.SearchKey(c.DisplayName);
            c.SearchNameAlt = TextNormalizer.SearchKey($"{c.FirstName} {c.LastName}");
        }
        else
        {
            c.DisplayName = string.IsNullOrEmpty(c.LegalForm) ? c.CompanyName ?? "" : $"{c.CompanyName} {c.LegalForm}";
            c.SearchName = TextNormalizer.SearchKey(c.DisplayName);
            c.SearchNameAlt = TextNormalizer.SearchKey(c.VatNumber ?? c.CompanyName);
        }
        // Loops, not LINQ: this runs for every record an import writes.
        CustomerAddress? main = null;
        foreach (var a in c.Addresses)
            if (main is null || a.Position < main.Position) main = a;
        c.City = main?.City;
        c.Province = main?.Province;
        c.Region = main?.Region;
        c.PostalCode = main?.PostalCode;
        CustomerPhone? phone = null;
        foreach (var p in c.Phones)
            if (p.ReferentId is null && (phone is null || (p.IsMain && !phone.IsMain))) phone = p;
        c.MainPhone = phone?.E164;
        CustomerEmail? email = null;
        foreach (var e in c.Emails)
            if (e.ReferentId is null && (email is null || (e.IsMain && !email.IsMain))) email = e;
        c.MainEmail = email?.Address;
    }

    static CustomerAddress ToAddress(AddressDto a, Guid customerId, int position)
    {
        var country = string.IsNullOrWhiteSpace(a.Country) ? "IT" : a.Country.Trim().ToUpperInvariant();
        var province = country == "IT" ? ItalianProvinces.NormalizeCode(a.Province) : TextNormalizer.Clean(a.Province);
        return new CustomerAddress
        {
            CustomerId = customerId,
            Type = EnumText.TryParse<AddressType>(a.Type, out var t) ? t : AddressType.Residence,
            Street = TextNormalizer.Clean(a.Street),
            HouseNumber = TextNormalizer.Clean(a.HouseNumber),
            PostalCode = country == "IT" ? NullIfEmpty(PostalCode.Normalize(a.PostalCode)) : TextNormalizer.Clean(a.PostalCode),
            City = TextNormalizer.PersonName(a.City),
            Province = province,
            Region = country == "IT" ? ItalianProvinces.RegionOf(province) : TextNormalizer.Clean(a.Region),
            Country = country,
            Position = position,
        };
    }

    static List<CustomerPhone> ToPhones(List<PhoneDto>? phones, Guid customerId, Guid? referentId)
    {
        var list = new List<CustomerPhone>();
        foreach (var p in phones ?? [])
        {
            PhoneNormalizer.TryNormalize(p.Number, out var e164);
            if (list.Any(x => x.E164 == e164)) continue; // the same number twice is one number
            var type = EnumText.TryParse<PhoneType>(p.Type, out var t) ? t
                : PhoneNormalizer.LooksLikeMobile(e164) ? PhoneType.Mobile : PhoneType.Landline;
            list.Add(new CustomerPhone { CustomerId = customerId, ReferentId = referentId, Type = type, Number = p.Number!.Trim(), E164 = e164, IsMain = p.IsMain });
        }
        EnsureOneMain(list, p => p.IsMain, (p, v) => p.IsMain = v);
        return list;
    }

    static List<CustomerEmail> ToEmails(List<EmailDto>? emails, Guid customerId, Guid? referentId)
    {
        var list = new List<CustomerEmail>();
        foreach (var e in emails ?? [])
        {
            var address = TextNormalizer.Email(e.Address)!;
            if (list.Any(x => x.Address == address)) continue;
            list.Add(new CustomerEmail { CustomerId = customerId, ReferentId = referentId, Address = address, IsMain = e.IsMain });
        }
        EnsureOneMain(list, e => e.IsMain, (e, v) => e.IsMain = v);
        return list;
    }

    /// <summary>Exactly one main among several: the first flagged one, else the first.</summary>
    static void EnsureOneMain<T>(List<T> items, Func<T, bool> isMain, Action<T, bool> setMain)
    {
        if (items.Count == 0) return;
        var main = items.FirstOrDefault(isMain) ?? items[0];
        foreach (var item in items) setMain(item, ReferenceEquals(item, main));
    }

    static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
