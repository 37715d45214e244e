using Schedario.Web.Registry.Italy;

namespace Schedario.Tests.Registry.Italy;

public class PartitaIvaTests
{
    [Theory]
    [InlineData("00488410010")] // Telecom Italia
    [InlineData("00743110157")]
    [InlineData("00484960588")]
    [InlineData("00811720580")]
    [InlineData("12345678903")] // textbook check-digit example
    [InlineData("01234567897")]
    public void Known_numbers_are_valid(string piva) => Assert.True(PartitaIva.IsValid(piva));

    [Theory]
    [InlineData("00488410011")] // wrong check digit
    [InlineData("12345678901")]
    [InlineData("0048841001")] // 10 digits
    [InlineData("004884100100")] // 12 digits
    [InlineData("00000000000")] // passes the check digit, but the serial is all zeros
    [InlineData("00000000018")]
    [InlineData("0048841001A")]
    [InlineData("ABCDEFGHIJK")]
    [InlineData("")]
    [InlineData(null)]
    public void Invalid_numbers_are_rejected(string? piva) => Assert.False(PartitaIva.IsValid(piva));

    [Theory]
    [InlineData("IT00488410010", "00488410010")]
    [InlineData("it 00488410010", "00488410010")]
    [InlineData(" 004.884.100.10 ", "00488410010")]
    [InlineData("IT-00488410010", "00488410010")]
    [InlineData("0048 8410 010", "00488410010")]
    [InlineData(null, "")]
    public void Normalize_removes_prefix_spaces_and_dots(string? input, string expected)
        => Assert.Equal(expected, PartitaIva.Normalize(input));

    [Fact]
    public void Valid_after_normalize() => Assert.True(PartitaIva.IsValid(PartitaIva.Normalize("IT 004.884.100.10")));

    [Theory]
    [InlineData("0048841001", 0)]
    [InlineData("1234567890", 3)]
    [InlineData("0123456789", 7)]
    [InlineData("0074311015", 7)]
    public void Check_digit(string first10, int expected) => Assert.Equal(expected, PartitaIva.ComputeCheckDigit(first10));

    [Fact]
    public void Check_digit_rejects_bad_input()
    {
        Assert.Throws<ArgumentException>(() => PartitaIva.ComputeCheckDigit("12345"));
        Assert.Throws<ArgumentException>(() => PartitaIva.ComputeCheckDigit("12345A7890"));
    }

    [Fact]
    public void Every_single_digit_change_is_detected()
    {
        const string valid = "00488410010";
        for (var i = 0; i < valid.Length; i++)
        {
            for (var d = '0'; d <= '9'; d++)
            {
                if (d == valid[i]) continue;
                var changed = valid[..i] + d + valid[(i + 1)..];
                Assert.False(PartitaIva.IsValid(changed), changed);
            }
        }
    }
}
