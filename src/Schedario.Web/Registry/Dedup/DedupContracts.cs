using System.Text.Json;

namespace Schedario.Web.Registry.Dedup;

/// <summary>One candidate pair: <see cref="First"/> has the smaller id; reasons as wire names.</summary>
public sealed record DuplicatePair(CustomerSummary First, CustomerSummary Second, int Score, List<string> Reasons);

public sealed record DuplicatePage(List<DuplicatePair> Items, string? NextCursor);

/// <summary>Body of POST /api/v1/duplicates/dismiss: the two records are not the same.</summary>
public sealed record DismissInput(Guid? FirstId, Guid? SecondId);

/// <summary>
/// Body of POST /api/v1/customers/{id}/merge: {id} survives, <see cref="DuplicateId"/> is merged into it.
/// <see cref="Fields"/> maps a field (firstName, lastName, companyName, legalForm, taxCode, vatNumber,
/// stage, documentType, documentNumber, notes, externalId) to "survivor" or "duplicate", and
/// "addresses" to "survivor", "duplicate" or "both". An omitted field keeps the survivor's value,
/// unless that is empty and the duplicate's is not.
/// </summary>
public sealed record MergeRequest
{
    public Guid? DuplicateId { get; init; }
    public int? SurvivorVersion { get; init; }
    public int? DuplicateVersion { get; init; }
    public Dictionary<string, string>? Fields { get; init; }
}

/// <summary>One merge in a record's history.</summary>
public sealed record CustomerMergeDto(Guid Id, Guid SurvivorId, Guid MergedId, string MergedBy, DateTime MergedAt, JsonElement Snapshot);

/// <summary>Reasons a pair is proposed, as bits so SQL can add them up per pair.</summary>
[Flags]
public enum DuplicateReason
{
    None = 0,
    TaxCode = 1,
    VatNumber = 2,
    Phone = 4,
    Email = 8,
    Name = 16,
}

public static class DuplicateScores
{
    public const int TaxCode = 100, VatNumber = 95, Phone = 80, Email = 70, Name = 60;

    /// <summary>Wire names, strongest first.</summary>
    public static List<string> Names(DuplicateReason reasons)
    {
        var list = new List<string>();
        if (reasons.HasFlag(DuplicateReason.TaxCode)) list.Add("taxCode");
        if (reasons.HasFlag(DuplicateReason.VatNumber)) list.Add("vatNumber");
        if (reasons.HasFlag(DuplicateReason.Phone)) list.Add("phone");
        if (reasons.HasFlag(DuplicateReason.Email)) list.Add("email");
        if (reasons.HasFlag(DuplicateReason.Name)) list.Add("name");
        return list;
    }
}
