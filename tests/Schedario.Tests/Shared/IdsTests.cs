using Schedario.Web.Shared;

namespace Schedario.Tests.Shared;

public sealed class IdsTests
{
    [Fact]
    public void Ids_are_version_7_time_ordered_and_unique()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = Enumerable.Range(0, 10_000).Select(_ => Ids.NewV7()).ToList();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var id in ids)
        {
            Assert.Equal(7, id.Version);
            Assert.Equal(0b10, id.Variant >> 2);
            var bytes = id.ToByteArray(bigEndian: true);
            var ms = ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24) | ((long)bytes[3] << 16) | ((long)bytes[4] << 8) | bytes[5];
            Assert.InRange(ms, before, after);
        }
        // Like Guid.CreateVersion7: ordered by the millisecond they were made in.
        var first = ids[0].ToByteArray(bigEndian: true)[..6];
        var last = ids[^1].ToByteArray(bigEndian: true)[..6];
        Assert.True(Convert.ToHexString(first).CompareTo(Convert.ToHexString(last)) <= 0);
    }
}
