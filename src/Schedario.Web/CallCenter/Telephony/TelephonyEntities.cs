using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Schedario.Web.CallCenter.Telephony;

public enum TelephonyCallState { Ringing, Answered, Ended }

/// <summary>A call as the PBX reported it: the telephony log. One row per (source, call id), whatever the event order.</summary>
public sealed class TelephonyCall
{
    public long Id { get; set; }
    public string Source { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public CallDirection Direction { get; set; }
    public TelephonyCallState State { get; set; }
    public string? CallerNumber { get; set; }
    public string? CalledNumber { get; set; }
    /// <summary>The operator's extension that rang or placed the call.</summary>
    public string? Extension { get; set; }
    /// <summary>The operator the call was offered to or answered by.</summary>
    public string? OperatorUserId { get; set; }
    /// <summary>The inbound service the called number belongs to.</summary>
    public int? ServiceId { get; set; }
    /// <summary>The identified caller (or, outbound, the called record).</summary>
    public Guid? CustomerId { get; set; }
    /// <summary>Outbound calls placed for a campaign entry (desk or dialer).</summary>
    public long? CampaignEntryId { get; set; }
    public DateTime? RingAt { get; set; }
    public DateTime? AnsweredAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public int? DurationSeconds { get; set; }
    public string? Cause { get; set; }
    public string? RecordingRef { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; } = 1;
}

/// <summary>Every event received, applied or not, with why: nothing a PBX says is lost.</summary>
public sealed class TelephonyEventLog
{
    public long Id { get; set; }
    public string Source { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public TelephonyEventKind Kind { get; set; }
    public DateTime OccurredAt { get; set; }
    public DateTime ReceivedAt { get; set; }
    public TelephonyEventResult Result { get; set; }
    public long? CallId { get; set; }
    public string? Payload { get; set; }
}

sealed class TelephonyCallConfiguration : IEntityTypeConfiguration<TelephonyCall>
{
    public void Configure(EntityTypeBuilder<TelephonyCall> b)
    {
        b.ToTable("telephony_calls");
        b.Property(c => c.Source).HasMaxLength(20);
        b.Property(c => c.ExternalId).HasMaxLength(100);
        b.Property(c => c.Direction).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.State).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.CallerNumber).HasMaxLength(40);
        b.Property(c => c.CalledNumber).HasMaxLength(40);
        b.Property(c => c.Extension).HasMaxLength(40);
        b.Property(c => c.OperatorUserId).HasMaxLength(450);
        b.Property(c => c.Cause).HasMaxLength(100);
        b.Property(c => c.RecordingRef).HasMaxLength(400);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasIndex(c => new { c.Source, c.ExternalId }).IsUnique();
        b.HasIndex(c => new { c.State, c.RingAt });
        b.HasIndex(c => c.CustomerId);
        b.HasIndex(c => c.OperatorUserId);
    }
}

sealed class TelephonyEventLogConfiguration : IEntityTypeConfiguration<TelephonyEventLog>
{
    public void Configure(EntityTypeBuilder<TelephonyEventLog> b)
    {
        b.ToTable("telephony_events");
        b.Property(e => e.Source).HasMaxLength(20);
        b.Property(e => e.ExternalId).HasMaxLength(100);
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(10);
        b.Property(e => e.Result).HasConversion<string>().HasMaxLength(12);
        b.Property(e => e.Payload).HasMaxLength(8000);
        b.HasIndex(e => new { e.Source, e.ExternalId });
        b.HasIndex(e => e.ReceivedAt);
    }
}

public static class TelephonyDbExtensions
{
    public static DbSet<TelephonyCall> TelephonyCalls(this DbContext db) => db.Set<TelephonyCall>();
    public static DbSet<TelephonyEventLog> TelephonyEvents(this DbContext db) => db.Set<TelephonyEventLog>();
}
