using System.Diagnostics.Metrics;

namespace Schedario.Web.CallCenter.Dialer.Service;

/// <summary>
/// OpenTelemetry histogram <c>schedario.dialer.tick.duration</c> (meter "Schedario"): how long one look of a
/// campaign's runner takes (follow the calls in flight, connect or abandon, decide, claim and place, write its
/// state), in milliseconds. A runner whose ticks approach its tick period no longer keeps up with its calls.
/// </summary>
public sealed class DialerMetrics
{
    public const string TickInstrument = "schedario.dialer.tick.duration";

    readonly Histogram<double> ticks;

    public DialerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Schedario");
        ticks = meter.CreateHistogram<double>(TickInstrument, unit: "ms", description: "Duration of one tick of a campaign's dialer runner");
    }

    public void Tick(double milliseconds) => ticks.Record(milliseconds);
}
