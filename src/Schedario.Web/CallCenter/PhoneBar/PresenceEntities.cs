using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Schedario.Web.CallCenter.PhoneBar;

/// <summary>The phone bar's states (seed 003: an operator receives calls only with the bar open and ready).</summary>
public enum OperatorState { Offline, Ready, Paused, Ringing, OnCall, WrapUp }

/// <summary>
/// An operator's live telephony state, one row per user, in the database so that every app node
/// routes from the same truth. The bar keeps <see cref="BarOpenUntil"/> moving while it is open; an
/// operator whose bar stopped (browser closed, node died) is not offered calls.
/// </summary>
public sealed class OperatorPresence
{
    public string UserId { get; set; } = "";
    public string UserName { get; set; } = "";
    public OperatorState State { get; set; }
    public string? PauseReason { get; set; }
    /// <summary>The extension (SIP peer) the operator's phone rings on.</summary>
    public string? Extension { get; set; }
    public DateTime StateSince { get; set; }
    /// <summary>When the operator last became free: routing offers calls to the longest idle first.</summary>
    public DateTime IdleSince { get; set; }
    /// <summary>The telephony call ringing, talking or in wrap-up.</summary>
    public long? CurrentCallId { get; set; }
    public DateTime? BarOpenUntil { get; set; }
    /// <summary>The power/predictive campaign the operator has joined on the desk: the dialer connects its answered calls to them.</summary>
    public int? DialerCampaignId { get; set; }
    /// <summary>The app node holding the operator's bar connection (diagnostics).</summary>
    public string? NodeId { get; set; }
    public int Version { get; set; } = 1;
}

sealed class OperatorPresenceConfiguration : IEntityTypeConfiguration<OperatorPresence>
{
    public void Configure(EntityTypeBuilder<OperatorPresence> b)
    {
        b.ToTable("operator_presence");
        b.HasKey(p => p.UserId);
        b.Property(p => p.UserId).HasMaxLength(450);
        b.Property(p => p.UserName).HasMaxLength(256);
        b.Property(p => p.State).HasConversion<string>().HasMaxLength(10);
        b.Property(p => p.PauseReason).HasMaxLength(60);
        b.Property(p => p.Extension).HasMaxLength(40);
        b.Property(p => p.NodeId).HasMaxLength(100);
        b.Property(p => p.Version).IsConcurrencyToken();
        // Routing: the ready operators, longest idle first.
        b.HasIndex(p => new { p.State, p.IdleSince });
        b.HasIndex(p => p.Extension);
        b.HasIndex(p => new { p.DialerCampaignId, p.State, p.IdleSince });
    }
}

public static class PresenceDbExtensions
{
    public static DbSet<OperatorPresence> OperatorPresence(this DbContext db) => db.Set<OperatorPresence>();
}
