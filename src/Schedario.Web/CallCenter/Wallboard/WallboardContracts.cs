namespace Schedario.Web.CallCenter.Wallboard;

/// <summary>The supervisor's live wallboard: everything on one screen, read in a handful of aggregate queries.</summary>
/// <param name="At">When the snapshot was read (UTC); times in state are counted from here.</param>
public sealed record WallboardDto(
    DateTime At,
    WallboardTotals Totals,
    List<WallboardOperatorDto> Operators,
    List<WallboardCampaignDto> Campaigns,
    WallboardInboundDto Inbound);

/// <summary>The tiles: operators logged in (bar open) by state, calls ringing and talking (dialer and inbound).</summary>
public sealed record WallboardTotals(
    int LoggedIn, int Ready, int Paused, int Ringing, int OnCall, int WrapUp,
    int CallsRinging, int CallsWaiting, int CallsTalking);

/// <param name="State">Offline, Ready, Paused, Ringing, OnCall, WrapUp.</param>
/// <param name="SecondsInState">At the snapshot's <see cref="WallboardDto.At"/>; the page counts on from <paramref name="StateSince"/>.</param>
/// <param name="CampaignId">The power/predictive campaign the operator joined on the desk.</param>
public sealed record WallboardOperatorDto(
    string UserId, string UserName, string State, string? PauseReason, DateTime StateSince, int SecondsInState,
    int? CampaignId, string? CampaignCode);

/// <summary>One campaign the dialer works or worked today.</summary>
/// <param name="DialMode">Preview, Power, Predictive.</param>
/// <param name="Running">A runner's heartbeat is fresh (under <see cref="WallboardService.RunnerStaleAfter"/>).</param>
/// <param name="Dialing">Started, running and not held: calls are being placed.</param>
/// <param name="Hold">Why nothing is being dialed, as a code (NotStarted, Stopped, NotRunning, Retired, or the runner's own: CallingHours, NoOperators, ListExhausted, AbandonLimit, RegisterCheck…); null while dialing.</param>
/// <param name="HoldMessage">The same in words (Italian), for the red line on the wallboard.</param>
/// <param name="Ringing">Dialer calls placed and ringing (Placing + Ringing).</param>
/// <param name="Waiting">Answered by a person, waiting for a free operator (an abandon if it lasts).</param>
/// <param name="Talking">Connected to an operator.</param>
/// <param name="AbandonNow">The last hour.</param>
/// <param name="HangUpAfterSeconds">The campaign's minimum ring before the dialer may hang up an unanswered call (0 = never).</param>
/// <param name="HungUpToday">Calls the dialer hung up unanswered today after that ring (the runner's count).</param>
/// <param name="AbandonWindow">Over the campaign's own window (<paramref name="AbandonWindowName"/>), the figure held against the limit.</param>
public sealed record WallboardCampaignDto(
    int Id, string Code, string Name, string DialMode, bool DialerActive, DateTime? DialerStartedAt,
    bool Running, string? NodeId, DateTime? HeartbeatAt, bool Dialing, string? Hold, string? HoldMessage,
    double DialLevel, int Ringing, int Waiting, int Talking, int OperatorsReady, int OperatorsLoggedIn,
    double AbandonLimitPercent, string AbandonWindowName, WallboardAbandon AbandonNow, WallboardAbandon AbandonWindow,
    WallboardOutcomes Outcomes, WallboardForecastDto? Forecast, int HangUpAfterSeconds = 0, int HungUpToday = 0);

/// <summary>
/// Abandon rate = <paramref name="Abandoned"/> ÷ <paramref name="AnsweredByPerson"/> (answered calls that a
/// machine did not answer); answering machines are counted apart and in neither.
/// </summary>
/// <param name="RatePercent">Null when nobody answered yet.</param>
/// <param name="OverLimit">The rate is above the campaign's limit.</param>
public sealed record WallboardAbandon(int Abandoned, int AnsweredByPerson, int Machines, double? RatePercent, bool OverLimit);

/// <summary>Contacts (outcomes that reached the person) and positive outcomes (positive closed: adhesion, appointment, promise), from the closed calls.</summary>
/// <param name="ContactsPerHourToday">Today's contacts ÷ hours since the day's first closed call (at least one hour).</param>
public sealed record WallboardOutcomes(
    int CallsLastHour, int ContactsLastHour, int PositivesLastHour,
    int CallsToday, int ContactsToday, int PositivesToday,
    double ContactsPerHourToday, double PositivesPerHourToday);

/// <summary>When the remaining names will be worked through with the operators now logged in on the campaign.</summary>
/// <param name="EndsAt">UTC; null when it cannot be said (<paramref name="Message"/> says why).</param>
public sealed record WallboardForecastDto(
    long RemainingNames, int Operators, double CallingHours, double AttemptsPerHour, DateTime? EndsAt, DateTime ComputedAt, string? Message);

/// <summary>Inbound calls now: ringing (offered or queued) and answered.</summary>
public sealed record WallboardInboundDto(int Ringing, int Talking);
