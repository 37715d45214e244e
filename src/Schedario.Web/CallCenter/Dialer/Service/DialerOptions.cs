namespace Schedario.Web.CallCenter.Dialer.Service;

/// <summary>Configuration section <c>Dialer</c>: how the server-side dialer service runs.</summary>
public sealed class DialerOptions
{
    public const string Section = "Dialer";

    /// <summary>False: this node never runs a campaign's dialer (it still serves the desk and the API).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often a campaign's runner looks at its calls and decides (a PBX event wakes it sooner).</summary>
    public int TickMilliseconds { get; set; } = 250;

    /// <summary>How often the service looks for campaigns started or stopped (and tries to take over orphaned ones).</summary>
    public int ScanMilliseconds { get; set; } = 1000;

    /// <summary>A call written but never accepted by the PBX (the node died in between) is settled as not placed after this.</summary>
    public int PlacingTimeoutSeconds { get; set; } = 30;

    /// <summary>A call the PBX says nothing more about (its node died with the PBX connection) is hung up and settled after this.</summary>
    public int LostCallSeconds { get; set; } = 120;

    /// <summary>How long an operator keeps a name connected by the dialer, to talk and close it on the desk.</summary>
    public int OperatorLeaseMinutes { get; set; } = 120;
}
