namespace Schedario.Web.Campaigns;

/// <summary>
/// How an outcome moves a name in its campaign: one rule set for the outbound desk and for the
/// inbound screen's "outbound situation" (CI0036), so a name closed from either place behaves the same.
/// </summary>
public static class EntryOutcomes
{
    /// <summary>Sets state, next call time and callback owner; the caller counts the attempt (or not) before.</summary>
    public static void Apply(CampaignEntry entry, Outcome outcome, Campaign campaign, DateTime now, DateTime? callbackAt, string? callbackUserId)
    {
        entry.LastOutcomeId = outcome.Id;
        entry.CallbackUserId = null;
        var exhausted = campaign.MaxAttempts > 0 && entry.Attempts >= campaign.MaxAttempts;
        switch (outcome.Category)
        {
            case OutcomeCategory.ToCall:
                entry.State = exhausted ? EntryState.Exhausted : EntryState.ToCall;
                entry.NextCallAt = now.AddMinutes(outcome.RetryDelayMinutes ?? campaign.RetryToCallMinutes);
                break;
            case OutcomeCategory.TechnicalRetry:
                entry.State = exhausted ? EntryState.Exhausted : EntryState.ToCall;
                entry.NextCallAt = now.AddMinutes(outcome.RetryDelayMinutes ?? campaign.RetryTechnicalMinutes);
                break;
            case OutcomeCategory.Callback:
                entry.State = EntryState.Callback;
                entry.NextCallAt = callbackAt ?? now.AddMinutes(outcome.RetryDelayMinutes ?? campaign.RetryToCallMinutes);
                entry.CallbackUserId = callbackUserId;
                break;
            default:
                entry.State = outcome.Category switch
                {
                    OutcomeCategory.PositiveClosed => EntryState.Positive,
                    OutcomeCategory.NegativeClosed => EntryState.Negative,
                    OutcomeCategory.Unworkable => EntryState.Unworkable,
                    _ => EntryState.DoNotCall,
                };
                entry.NextCallAt = null;
                break;
        }
    }
}
