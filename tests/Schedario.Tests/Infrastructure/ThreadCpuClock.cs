using System.Runtime.InteropServices;

namespace Schedario.Tests.Infrastructure;

/// <summary>
/// CPU time the calling thread has used (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>), in µs. Unlike wall time
/// it does not count the slices the scheduler gives other processes, so a cost measured with it holds on a
/// loaded machine (a parallel test run, the shared CI runner). The bench uses it too.
/// </summary>
public static class ThreadCpuClock
{
    public static bool Available => OperatingSystem.IsLinux();

    public static double Microseconds() => ClockGetTime(3, out var t) == 0 ? t.Seconds * 1e6 + t.Nanoseconds / 1e3 : double.NaN;

    [StructLayout(LayoutKind.Sequential)]
    struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out Timespec time);
}
