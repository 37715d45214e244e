using Schedario.Web.Registry.Italy;

namespace Schedario.Tests.Registry.Italy;

public class PostalCodeTests
{
    [Theory]
    [InlineData("20121", "20121")]
    [InlineData(" 20121 ", "20121")]
    [InlineData("1100", "01100")] // Viterbo after Excel dropped the zero
    [InlineData("0100", "00100")]
    [InlineData("184", "00184")] // Roma 00184 as a spreadsheet number
    [InlineData("20121.0", "20121")]
    [InlineData("1100.00", "01100")]
    [InlineData("20 121", "20121")]
    [InlineData("I-20121", "20121")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("abc", "")]
    public void Normalize(string? input, string expected) => Assert.Equal(expected, PostalCode.Normalize(input));

    [Theory]
    [InlineData("20121", true)]
    [InlineData("00184", true)]
    [InlineData(" 09121 ", true)]
    [InlineData("1100", false)]
    [InlineData("201210", false)]
    [InlineData("2012A", false)]
    [InlineData("20 21", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValid(string? input, bool expected) => Assert.Equal(expected, PostalCode.IsValid(input));

    [Fact]
    public void Excel_damaged_code_is_valid_after_normalize()
        => Assert.True(PostalCode.IsValid(PostalCode.Normalize("4100")));
}
