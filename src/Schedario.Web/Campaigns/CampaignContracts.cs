using Schedario.Web.Registry;

namespace Schedario.Web.Campaigns;

public sealed record CampaignTypeDto(int Id, string Code, string Name);
public sealed record CampaignTypeInput(string? Code, string? Name);

public sealed record CampaignDto(
    int Id, string Code, string Name, int TypeId, string? TypeName, string? Description, DateOnly StartDate, DateOnly EndDate, bool Retired,
    int? PortfolioTypeId, bool AutoContactPromise, string[] CallingDays, TimeOnly? CallFrom, TimeOnly? CallTo, int MaxAttempts,
    int RetryToCallMinutes, int RetryTechnicalMinutes, List<string> OperatorIds, int Version, DialingDto? Dialing = null);

/// <summary>How the dialer service places a campaign's calls (issue 6). <c>mode</c>: preview | power | predictive;
/// <c>abandonWindow</c>: day | rolling24h | days30 | campaign. <c>hangUpAfterSeconds</c>: seconds a predictive call
/// must ring before the dialer may hang it up unanswered, 0 = never.</summary>
public sealed record DialingDto(string Mode, double LinesPerOperator, double AbandonLimitPercent, int AbandonAfterSeconds, string AbandonWindow,
    int AbandonLockoutHours, string AbandonMessage, bool Active, DateTime? StartedAt, string? StartedBy,
    int HangUpAfterSeconds = CallCenter.Dialer.DialerRules.DefaultHangUpAfterSeconds);

/// <summary>The dialing part of <see cref="CampaignInput"/>; a null field keeps the current value (the default on a new campaign).</summary>
public sealed record DialingInput
{
    public string? Mode { get; init; }
    public double? LinesPerOperator { get; init; }
    public double? AbandonLimitPercent { get; init; }
    public int? AbandonAfterSeconds { get; init; }
    public string? AbandonWindow { get; init; }
    public int? AbandonLockoutHours { get; init; }
    public string? AbandonMessage { get; init; }
    /// <summary>0 (never) or 15–60.</summary>
    public int? HangUpAfterSeconds { get; init; }
}

/// <summary>Body of POST and PUT /api/v1/campaigns. On PUT <see cref="Version"/> is required.</summary>
public sealed record CampaignInput
{
    public string? Code { get; init; }
    public string? Name { get; init; }
    public int? TypeId { get; init; }
    public string? Description { get; init; }
    public DateOnly? StartDate { get; init; }
    public DateOnly? EndDate { get; init; }
    public bool Retired { get; init; }
    public int? PortfolioTypeId { get; init; }
    public bool AutoContactPromise { get; init; }
    /// <summary>Day names ("monday"…); null = Monday to Friday.</summary>
    public List<string>? CallingDays { get; init; }
    public TimeOnly? CallFrom { get; init; }
    public TimeOnly? CallTo { get; init; }
    public int? MaxAttempts { get; init; }
    public int? RetryToCallMinutes { get; init; }
    public int? RetryTechnicalMinutes { get; init; }
    public List<string>? OperatorIds { get; init; }
    public int? Version { get; init; }
    /// <summary>Null: the dialing settings stay as they are (defaults on a new campaign).</summary>
    public DialingInput? Dialing { get; init; }
}

public sealed record OutcomeDto(int Id, string Code, string Description, string Category, bool PersonReached, bool Adhesion, bool Appointment,
    bool ContactPromise, bool NeedsCallbackTime, bool NeedsNote, int? RetryDelayMinutes, string? Shortcut, bool Active = true);

/// <summary>Body of POST/PUT /api/v1/outcomes (administrators).</summary>
public sealed record OutcomeInput(string? Code, string? Description, string? Category, bool PersonReached = false, bool Adhesion = false,
    bool Appointment = false, bool ContactPromise = false, bool NeedsCallbackTime = false, bool NeedsNote = false,
    int? RetryDelayMinutes = null, string? Shortcut = null, bool? Active = null);

public sealed record DistributionInput
{
    /// <summary>equal | roundRobin | owner | pool.</summary>
    public string? Mode { get; init; }
    public List<string>? OperatorIds { get; init; }
}

public sealed record WizardInput
{
    public RegistryFilter? Filter { get; init; }
    public bool ExcludeInSameTypeActive { get; init; } = true;
    public int? ExcludeCalledWithinDays { get; init; }
    public bool RequirePhoneConsent { get; init; } = true;
    public DistributionInput? Distribution { get; init; }
}

public sealed record WizardSample(Guid Id, string DisplayName, string? City, string? Province, string? MainPhone);
public sealed record WizardPreview(int Count, int Matched, List<WizardSample> Sample);
public sealed record WizardResult(int Inserted, int Skipped, string Mode, string? Note);

public sealed record CloseInput
{
    public string? OutcomeCode { get; init; }
    public string? Note { get; init; }
    public DateTime? CallbackAt { get; init; }
    /// <summary>me | anyone.</summary>
    public string? CallbackOwner { get; init; }
    public int? PromiseCampaignId { get; init; }
}

public sealed record EntryDto(long Id, int CampaignId, Guid CustomerId, string CustomerName, string? City, string? Province, string? MainPhone,
    string State, string? LastOutcomeCode, string? AssignedUserId, int Attempts, DateTime? NextCallAt, string? CallbackUserId, int Priority,
    string? LeaseHolder, DateTime? LeaseUntil, DateTime? LastCallAt, int Version);

public sealed record EntryPage(List<EntryDto> Items, long? NextCursor);

public sealed record CallDto(long Id, int CampaignId, string CampaignCode, string OperatorName, DateTime StartedAt, DateTime EndedAt, int DurationSeconds,
    string OutcomeCode, string? Note, int? PromiseCampaignId);

public sealed record OtherCampaignDto(int CampaignId, string Code, string Name, string State, string? AssignedUserId, bool Retired);

/// <summary>What the desk shows for a claimed name: the live registry record and its history.</summary>
public sealed record DeskCard(EntryDto Entry, CampaignDto Campaign, CustomerDto Customer,
    List<CallDto> LastContacts, List<CallDto> History, List<OtherCampaignDto> OtherCampaigns);

public sealed record CloseResult(EntryDto Entry, long CallId, int? PromiseCampaignId, bool PromiseAlreadyThere);

public sealed record PromiseTarget(int Id, string Code, string Name, DateOnly StartDate, DateOnly EndDate);

public sealed record CountRow(string Key, int Count);
public sealed record OperatorProgress(string? UserId, string UserName, int Assigned, int Open, int Calls, int Positive);
public sealed record CampaignStats(int Total, List<CountRow> ByState, List<CountRow> ByOutcome, List<OperatorProgress> Operators);

public sealed record ReassignInput(string? FromUserId, string? ToUserId, bool OpenOnly = true);
public sealed record RecycleInput(List<string>? OutcomeCodes);
public sealed record BulkResult(int Updated);
