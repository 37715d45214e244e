using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Schedario.Web.Registry;

namespace Schedario.Web.Campaigns;

/// <summary>Outcome categories of the outcome table (seed "tabella stati elenchi").</summary>
public enum OutcomeCategory { ToCall, Callback, PositiveClosed, NegativeClosed, TechnicalRetry, Unworkable, DoNotCall }

/// <summary>The state of a name in one campaign. <see cref="Merged"/>: its record was merged into one already in the campaign.</summary>
public enum EntryState { ToCall, Callback, Positive, Negative, Unworkable, DoNotCall, Exhausted, Merged }

[Flags]
public enum CallingDays { None = 0, Monday = 1, Tuesday = 2, Wednesday = 4, Thursday = 8, Friday = 16, Saturday = 32, Sunday = 64, Weekdays = 31, All = 127 }

public sealed class CampaignType
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
}

/// <summary>A campaign (seed "motivo"): the box of registry names for one commercial action.</summary>
public sealed class Campaign
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public int TypeId { get; set; }
    public string? Description { get; set; }
    /// <summary>Reference start and end dates; a contact promise targets campaigns starting after this one ends.</summary>
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
    public bool Retired { get; set; }
    /// <summary>Portfolio type (issue 3); a plain id until portfolio types exist.</summary>
    public int? PortfolioTypeId { get; set; }
    /// <summary>"Promessa contatto automatica succ. ad adesione/appuntamento".</summary>
    public bool AutoContactPromise { get; set; }
    public CallingDays CallingDays { get; set; } = CallingDays.Weekdays;
    public TimeOnly? CallFrom { get; set; }
    public TimeOnly? CallTo { get; set; }
    /// <summary>0 = no limit.</summary>
    public int MaxAttempts { get; set; } = 5;
    /// <summary>Minutes before a name closed as "to call" is served again (when the outcome has no delay of its own).</summary>
    public int RetryToCallMinutes { get; set; } = 60;
    /// <summary>Minutes before a technical retry (no answer, busy) is served again.</summary>
    public int RetryTechnicalMinutes { get; set; } = 30;

    // Dialing (issue 6): how the dialer service places this campaign's calls.
    public CallCenter.Dialer.DialMode DialMode { get; set; } = CallCenter.Dialer.DialMode.Preview;
    /// <summary>Power mode: lines dialed per ready operator (1.0 = progressive).</summary>
    public double LinesPerOperator { get; set; } = 1.5;
    /// <summary>Abandoned ÷ answered by a person the campaign may not exceed over <see cref="AbandonWindow"/>, in percent.</summary>
    public double AbandonLimitPercent { get; set; } = 3;
    /// <summary>Seconds a person who answered may wait for an operator before the call is ended with the message.</summary>
    public int AbandonAfterSeconds { get; set; } = 3;
    public CallCenter.Dialer.AbandonWindow AbandonWindow { get; set; } = CallCenter.Dialer.AbandonWindow.Day;
    /// <summary>Seconds a predictive call must have rung before the dialer may hang it up unanswered, to spend
    /// its lines where operators will be free (ADR 0021); 0 = never (calls ring until the network ends them).
    /// At least <see cref="CallCenter.Dialer.DialerRules.MinHangUpAfterSeconds"/> otherwise.</summary>
    public int HangUpAfterSeconds { get; set; } = CallCenter.Dialer.DialerRules.DefaultHangUpAfterSeconds;
    /// <summary>Hours a number whose call was abandoned is not dialed again.</summary>
    public int AbandonLockoutHours { get; set; } = 72;
    /// <summary>What the person hears when no operator is free (the PBX plays it; Asterisk: the prompt's name).</summary>
    public string AbandonMessage { get; set; } = "Gentile cliente, la richiameremo al più presto. Grazie.";
    /// <summary>The dialer service works the campaign (started and stopped by a supervisor).</summary>
    public bool DialerActive { get; set; }
    public DateTime? DialerStartedAt { get; set; }
    public string? DialerStartedBy { get; set; }

    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public int Version { get; set; } = 1;
    public List<CampaignOperator> Operators { get; set; } = [];
}

/// <summary>A user allowed to work a campaign; a campaign without any is open to every operator.</summary>
public sealed class CampaignOperator
{
    public int CampaignId { get; set; }
    public string UserId { get; set; } = "";
}

public sealed class Outcome
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Description { get; set; } = "";
    public OutcomeCategory Category { get; set; }
    public bool PersonReached { get; set; }
    public bool Adhesion { get; set; }
    public bool Appointment { get; set; }
    public bool ContactPromise { get; set; }
    public bool NeedsCallbackTime { get; set; }
    public bool NeedsNote { get; set; }
    /// <summary>Minutes before the name is served again; null = the campaign's delay for the category.</summary>
    public int? RetryDelayMinutes { get; set; }
    /// <summary>One key the operator presses on the desk (1–9, A–Z).</summary>
    public string? Shortcut { get; set; }
    public bool Active { get; set; } = true;
    public int Position { get; set; }
}

/// <summary>A registry record in a campaign, with its own state there. The record's data stays in the registry.</summary>
public sealed class CampaignEntry
{
    public long Id { get; set; }
    public int CampaignId { get; set; }
    public Guid CustomerId { get; set; }
    public EntryState State { get; set; }
    public int? LastOutcomeId { get; set; }
    /// <summary>The operator the name is assigned to; null = the shared pool.</summary>
    public string? AssignedUserId { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextCallAt { get; set; }
    /// <summary>For a callback: the operator who must make it; null = anyone.</summary>
    public string? CallbackUserId { get; set; }
    public int Priority { get; set; }
    public string? LeaseHolder { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime? ClaimedAt { get; set; }
    public DateTime? LastCallAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public int Version { get; set; } = 1;
}

/// <summary>One logged call.</summary>
public sealed class Call
{
    public long Id { get; set; }
    public int CampaignId { get; set; }
    public long EntryId { get; set; }
    public Guid CustomerId { get; set; }
    public string OperatorUserId { get; set; } = "";
    public string OperatorName { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime EndedAt { get; set; }
    public int DurationSeconds { get; set; }
    public int OutcomeId { get; set; }
    public string OutcomeCode { get; set; } = "";
    public string? Note { get; set; }
    public int? PromiseCampaignId { get; set; }
}

sealed class CampaignTypeConfiguration : IEntityTypeConfiguration<CampaignType>
{
    public void Configure(EntityTypeBuilder<CampaignType> b)
    {
        b.ToTable("campaign_types");
        b.Property(t => t.Code).HasMaxLength(30);
        b.Property(t => t.Name).HasMaxLength(100);
        b.HasIndex(t => t.Code).IsUnique();
    }
}

sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> b)
    {
        b.ToTable("campaigns");
        b.Property(c => c.Code).HasMaxLength(30);
        b.Property(c => c.Name).HasMaxLength(150);
        b.Property(c => c.Description).HasMaxLength(2000);
        b.Property(c => c.CallingDays).HasConversion<int>();
        b.Property(c => c.DialMode).HasConversion<string>().HasMaxLength(12);
        b.Property(c => c.AbandonWindow).HasConversion<string>().HasMaxLength(12);
        b.Property(c => c.AbandonMessage).HasMaxLength(500);
        b.Property(c => c.DialerStartedBy).HasMaxLength(100);
        b.Property(c => c.CreatedBy).HasMaxLength(100);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasIndex(c => c.Code).IsUnique();
        b.HasIndex(c => new { c.TypeId, c.Retired, c.StartDate });
        b.HasOne<CampaignType>().WithMany().HasForeignKey(c => c.TypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(c => c.Operators).WithOne().HasForeignKey(o => o.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class CampaignOperatorConfiguration : IEntityTypeConfiguration<CampaignOperator>
{
    public void Configure(EntityTypeBuilder<CampaignOperator> b)
    {
        b.ToTable("campaign_operators");
        b.HasKey(o => new { o.CampaignId, o.UserId });
        b.Property(o => o.UserId).HasMaxLength(450);
    }
}

sealed class OutcomeConfiguration : IEntityTypeConfiguration<Outcome>
{
    public void Configure(EntityTypeBuilder<Outcome> b)
    {
        b.ToTable("outcomes");
        b.Property(o => o.Code).HasMaxLength(30);
        b.Property(o => o.Description).HasMaxLength(200);
        b.Property(o => o.Category).HasConversion<string>().HasMaxLength(20);
        b.Property(o => o.Shortcut).HasMaxLength(1);
        b.HasIndex(o => o.Code).IsUnique();
        var i = 0;
        Outcome O(string code, string description, OutcomeCategory category, string? shortcut, bool reached = false, bool adhesion = false,
            bool appointment = false, bool promise = false, bool callbackTime = false, bool note = false, int? delay = null) =>
            new() { Id = ++i, Position = i, Code = code, Description = description, Category = category, Shortcut = shortcut, PersonReached = reached, Adhesion = adhesion,
                Appointment = appointment, ContactPromise = promise, NeedsCallbackTime = callbackTime, NeedsNote = note, RetryDelayMinutes = delay };
        b.HasData(
            O("ADESIONE", "Adesione / vendita", OutcomeCategory.PositiveClosed, "1", reached: true, adhesion: true),
            O("APPUNTAMENTO", "Appuntamento fissato", OutcomeCategory.PositiveClosed, "2", reached: true, appointment: true, note: true),
            O("PROMESSA CONTATTO", "Promessa contatto: da richiamare in una campagna futura", OutcomeCategory.PositiveClosed, "3", reached: true, promise: true),
            O("RICHIAMARE", "Richiamare a data e ora concordate", OutcomeCategory.Callback, "4", reached: true, callbackTime: true),
            O("NON RISPONDE", "Non risponde", OutcomeCategory.TechnicalRetry, "5", delay: 120),
            O("OCCUPATO", "Occupato", OutcomeCategory.TechnicalRetry, "6", delay: 15),
            O("SEGRETERIA", "Segreteria telefonica", OutcomeCategory.TechnicalRetry, "7", delay: 240),
            O("NON INTERESSATO", "Non interessato", OutcomeCategory.NegativeClosed, "8", reached: true),
            O("NUMERO ERRATO", "Numero errato o inesistente", OutcomeCategory.Unworkable, "9"),
            O("NON CHIAMARE", "Non desidera essere chiamato (registro opposizioni)", OutcomeCategory.DoNotCall, "0", reached: true, note: true),
            // Written by the dialer service only (no shortcut): a person answered and no operator was free in time.
            O("ABBANDONATA", "Chiamata abbandonata: nessun operatore libero (messaggio riprodotto)", OutcomeCategory.TechnicalRetry, null, reached: true));
    }
}

/// <summary>
/// The default outcomes are seeded with ids 1–10; PostgreSQL's identity does not move past seeded
/// rows, so outcomes added later start at 1000 there (SQLite takes the highest id + 1 by itself).
/// </summary>
sealed class OutcomePostgresConfiguration : Data.IProviderModelConfiguration
{
    public void Configure(ModelBuilder builder, Data.DatabaseProvider provider)
    {
        if (provider == Data.DatabaseProvider.Postgres)
            builder.Entity<Outcome>().Property(o => o.Id).HasIdentityOptions(startValue: 1000);
    }
}

sealed class CampaignEntryConfiguration : IEntityTypeConfiguration<CampaignEntry>
{
    public void Configure(EntityTypeBuilder<CampaignEntry> b)
    {
        b.ToTable("campaign_entries");
        b.Property(e => e.State).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.AssignedUserId).HasMaxLength(450);
        b.Property(e => e.CallbackUserId).HasMaxLength(450);
        b.Property(e => e.LeaseHolder).HasMaxLength(450);
        b.Property(e => e.Version).IsConcurrencyToken();
        // Never twice in the same campaign: the wizard's idempotence rests on this index too.
        b.HasIndex(e => new { e.CampaignId, e.CustomerId }).IsUnique();
        // Next's callback tiers. Partial: most names are never a callback, and every claim and close
        // rewrites the row into each index it belongs to (the state and the lease are indexed, so no
        // update is HOT); a name enters this one only while it is a callback (ADR 0018).
        b.HasIndex(e => new { e.CampaignId, e.CallbackUserId, e.NextCallAt }).HasFilter("\"State\" = 'Callback'");
        // Matches the claim's ORDER BY "Priority" DESC, "Id", so LIMIT 1 reads one index entry instead of sorting.
        b.HasIndex(e => new { e.CampaignId, e.State, e.AssignedUserId, e.Priority, e.Id }).IsDescending(false, false, false, true, false);
        // The dialer's queue: every name to call of a campaign, whoever it is assigned to, by priority. Its
        // claim reads this in order and stops at the names it needs; without it, it probed and sorted every
        // due name of the campaign on each claim (90 ms on 20,000 names, ADR 0020).
        b.HasIndex(e => new { e.CampaignId, e.Priority, e.Id }).IsDescending(false, true, false)
            .HasFilter("\"State\" = 'ToCall'").HasDatabaseName("IX_campaign_entries_dialer_queue");
        // Resuming an operator's live lease: only leased rows are indexed.
        b.HasIndex(e => new { e.LeaseHolder, e.CampaignId }).HasFilter("\"LeaseHolder\" IS NOT NULL");
        // "Own" visibility: the entries assigned to a user, read once per query (with the lease index
        // above, a BitmapOr) instead of a scan of every campaign's entries (docs/benchmarks.md).
        b.HasIndex(e => e.AssignedUserId).HasFilter("\"AssignedUserId\" IS NOT NULL");
        b.HasIndex(e => e.CustomerId);
        b.HasOne<Campaign>().WithMany().HasForeignKey(e => e.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(e => e.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Outcome>().WithMany().HasForeignKey(e => e.LastOutcomeId).OnDelete(DeleteBehavior.Restrict);
        // The foreign key's index only serves deleting an outcome: names never called need no entry (ADR 0018).
        b.HasIndex(e => e.LastOutcomeId).HasFilter("\"LastOutcomeId\" IS NOT NULL");
    }
}

sealed class CallConfiguration : IEntityTypeConfiguration<Call>
{
    public void Configure(EntityTypeBuilder<Call> b)
    {
        b.ToTable("calls");
        b.Property(c => c.OperatorUserId).HasMaxLength(450);
        b.Property(c => c.OperatorName).HasMaxLength(256);
        b.Property(c => c.OutcomeCode).HasMaxLength(30);
        b.Property(c => c.Note).HasMaxLength(2000);
        b.HasIndex(c => new { c.CustomerId, c.StartedAt });
        b.HasIndex(c => new { c.CampaignId, c.OperatorUserId });
        b.HasIndex(c => c.EntryId);
        b.HasOne<CampaignEntry>().WithMany().HasForeignKey(c => c.EntryId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Outcome>().WithMany().HasForeignKey(c => c.OutcomeId).OnDelete(DeleteBehavior.Restrict);
    }
}

public static class CampaignDbExtensions
{
    public static DbSet<Campaign> Campaigns(this DbContext db) => db.Set<Campaign>();
    public static DbSet<CampaignEntry> CampaignEntries(this DbContext db) => db.Set<CampaignEntry>();
    public static DbSet<Outcome> Outcomes(this DbContext db) => db.Set<Outcome>();
    public static DbSet<Call> Calls(this DbContext db) => db.Set<Call>();
}
