using Schedario.Web.Registry;

namespace Schedario.Web.CallCenter.Inbound;

/// <summary>One row of the screen's last contacts: an inbound call, an outbound call, or (no calls in a campaign) the name's state there.</summary>
public sealed record ContactLine(string Kind, DateTime? At, string? Campaign, string? Operator, string? Outcome, string? Note, int? DurationSeconds, string? EntryState);

/// <summary>The caller's record as the call screen shows it (the full card is one click away).</summary>
public sealed record CallerRecordDto(Guid Id, string Kind, string DisplayName, string? TaxCode, string? VatNumber, string? City, string? Province,
    string? Notes, string? DocumentType, string? DocumentNumber, List<PhoneDto> Phones, List<EmailDto> Emails, List<CustomerCharacteristicDto> Characteristics);

/// <summary>The screen pop shown while a call rings: the record, its characteristics and the last N + N contacts.</summary>
public sealed record CallerPopDto(CallerRecordDto Record, List<ContactLine> LastInbound, List<ContactLine> LastOutbound, int LastContactsN);

/// <summary>A campaign entry of the caller, for CI0036's outbound situation.</summary>
public sealed record OutboundEntryLine(long EntryId, int CampaignId, string CampaignCode, string CampaignName, string State, string? LastOutcome,
    DateTime? NextCallAt, string? AssignedTo, bool Retired, int Version);

/// <summary>The inbound screen: the call (<c>accessGranted</c>: the operator reads the caller's record through the open call), the caller (identified or the candidates), the owner, characteristics and last contacts.</summary>
public sealed record InboundScreenDto(
    long ContactId, string Status, long? CallId, string? CallState, string? CallerNumber, DateTime StartedAt, DateTime? EndedAt, int? DurationSeconds,
    int? ServiceId, string? ServiceName, string OperatorName,
    CallerRecordDto? Customer, List<LookupMatch> Matches, string? OwnerName, bool OwnerIsMe,
    List<ContactLine> LastInbound, List<ContactLine> LastOutbound, int LastContactsN,
    bool ShowsOutbound, List<OutboundEntryLine> OutboundEntries,
    InboundClosingDto Closing, int Version, bool AccessGranted);

public sealed record InboundClosingDto(int? OutcomeId, int? ActionId, int? GroupId, int? GroupDetailId, string? ContactName, bool? Consent,
    string? DocumentType, string? DocumentNumber, string? Notes, DateTime? ClosedAt, DateTime? ResolvedAt, string? ResolvedBy);

/// <summary>A change to one of the caller's campaign entries made while closing (CI0036): an outbound outcome code.</summary>
public sealed record OutboundEntryChange(long EntryId, string? OutcomeCode, DateTime? CallbackAt);

/// <summary>Seed 003's closing form: every field is required.</summary>
public sealed record InboundCloseInput(int? OutcomeId, int? ActionId, int? GroupId, int? GroupDetailId, string? ContactName, bool? Consent,
    string? DocumentType, string? DocumentNumber, string? Notes, List<OutboundEntryChange>? OutboundChanges = null, int? Version = null);

public sealed record IdentifyInput(Guid? CustomerId);

public sealed record FollowUpInput(string? Note, bool Resolve);

public sealed record FollowUpDto(long Id, DateTime At, string UserName, string Note, bool Resolved);

/// <summary>A row of the inbound log.</summary>
public sealed record InboundLogRow(long Id, string Status, DateTime StartedAt, int? DurationSeconds, string? CallerNumber, Guid? CustomerId, string? ContactName,
    string? ServiceName, string OperatorName, string? Outcome, string? Action, string? Group, string? GroupDetail, string? Notes, int FollowUps, DateTime? ResolvedAt);

public sealed record InboundLogPage(List<InboundLogRow> Items, long? NextCursor);

public sealed record DialInput(string? Number);
