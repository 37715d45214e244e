using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Schedario.Web.CallCenter.Dialer;

/// <summary>The window an abandon rate is measured over (the campaign chooses one).</summary>
public enum AbandonWindow { Day, Rolling24h, Days30, Campaign }

/// <summary>Where a dialer call is. Everything but <see cref="Ended"/> is "in flight": at most one per entry.
/// <see cref="HangingUp"/>: the dialer asked the PBX to end it unanswered and waits for the PBX's word (a person
/// may have answered first).</summary>
public enum DialerCallState { Placing, Ringing, Waiting, Connected, Ended, HangingUp }

/// <summary>How a dialer call ended (None while in flight).</summary>
public enum DialerCallResult { None, NoAnswer, Busy, Failed, Machine, Abandoned, Talked, NotPlaced }

/// <summary>
/// One call the dialer service placed for a campaign entry. The row is written before the PBX is asked
/// (state <see cref="DialerCallState.Placing"/>), so a node that dies between the two leaves a row the
/// next runner finds and settles instead of a call nobody follows; the unique index on the entry's
/// in-flight call makes dialing one name twice at once impossible, whatever the nodes do.
/// </summary>
public sealed class DialerCall
{
    public long Id { get; set; }
    public int CampaignId { get; set; }
    public long EntryId { get; set; }
    public Guid CustomerId { get; set; }
    /// <summary>The number dialed, E.164.</summary>
    public string Number { get; set; } = "";
    public DialerCallState State { get; set; }
    public DialerCallResult Result { get; set; }
    /// <summary>The PBX's id of the call (null until the PBX accepted it).</summary>
    public string? ExternalCallId { get; set; }
    public string? Source { get; set; }
    /// <summary>The operator it was connected to.</summary>
    public string? OperatorUserId { get; set; }
    /// <summary>The app node whose runner placed it (diagnostics, takeover).</summary>
    public string NodeId { get; set; } = "";
    public DateTime PlacedAt { get; set; }
    /// <summary>Answered by a person or a machine.</summary>
    public DateTime? AnsweredAt { get; set; }
    public DateTime? ConnectedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public string? Cause { get; set; }
}

/// <summary>The dialer runner's last word on a campaign, for the wallboard: who runs it, how hard, and why not harder.</summary>
public sealed class DialerRunnerState
{
    public int CampaignId { get; set; }
    public string NodeId { get; set; } = "";
    public DateTime HeartbeatAt { get; set; }
    /// <summary>The pacer's hold reason (or a gate: calling hours, register check, no operators…), "None" when dialing.</summary>
    public string Hold { get; set; } = "None";
    /// <summary>The reason in words, Italian, for the wallboard.</summary>
    public string? HoldMessage { get; set; }
    public double DialLevel { get; set; }
    public int Ringing { get; set; }
    public int Waiting { get; set; }
    public int Connected { get; set; }
    public int OperatorsReady { get; set; }
    public int OperatorsLoggedIn { get; set; }
    public double AbandonRateWindow { get; set; }
    public double LearnedAnswerRate { get; set; }
    /// <summary>Calls the dialer hung up unanswered today (local day) after the campaign's minimum ring (ADR 0021).</summary>
    public int HungUpToday { get; set; }
}

sealed class DialerCallConfiguration : IEntityTypeConfiguration<DialerCall>
{
    public void Configure(EntityTypeBuilder<DialerCall> b)
    {
        b.ToTable("dialer_calls");
        b.Property(c => c.Number).HasMaxLength(20);
        b.Property(c => c.State).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.Result).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.ExternalCallId).HasMaxLength(100);
        b.Property(c => c.Source).HasMaxLength(20);
        b.Property(c => c.OperatorUserId).HasMaxLength(450);
        b.Property(c => c.NodeId).HasMaxLength(100);
        b.Property(c => c.Cause).HasMaxLength(60);
        // Never two calls in flight to one name: the database refuses the second, whichever node tries.
        b.HasIndex(c => c.EntryId).IsUnique().HasFilter("\"State\" <> 'Ended'").HasDatabaseName("IX_dialer_calls_EntryId_in_flight");
        b.HasIndex(c => new { c.CampaignId, c.State });
        // Abandon rate over a window: answered calls of a campaign by time.
        b.HasIndex(c => new { c.CampaignId, c.AnsweredAt });
        // Abandon lockout: the abandoned calls of a number.
        b.HasIndex(c => new { c.Number, c.EndedAt }).HasFilter("\"Result\" = 'Abandoned'");
        b.HasIndex(c => new { c.Source, c.ExternalCallId });
        b.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(c => c.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Campaigns.CampaignEntry>().WithMany().HasForeignKey(c => c.EntryId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class DialerRunnerStateConfiguration : IEntityTypeConfiguration<DialerRunnerState>
{
    public void Configure(EntityTypeBuilder<DialerRunnerState> b)
    {
        b.ToTable("dialer_runner_states");
        b.HasKey(s => s.CampaignId);
        b.Property(s => s.CampaignId).ValueGeneratedNever();
        b.Property(s => s.NodeId).HasMaxLength(100);
        b.Property(s => s.Hold).HasMaxLength(30);
        b.Property(s => s.HoldMessage).HasMaxLength(300);
        b.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(s => s.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

public static class DialerDbExtensions
{
    public static DbSet<DialerCall> DialerCalls(this DbContext db) => db.Set<DialerCall>();
    public static DbSet<DialerRunnerState> DialerRunnerStates(this DbContext db) => db.Set<DialerRunnerState>();
}
