using Schedario.Web.Registry.Normalization;
using Schedario.Web.Shared;

namespace Schedario.Tests.Registry.Normalization;

public sealed class NormalizationTests
{
    [Theory]
    [InlineData("333 1234567", "+393331234567")]
    [InlineData("+39 333 123 4567", "+393331234567")]
    [InlineData("0039 333 123 4567", "+393331234567")]
    [InlineData("333-123.45.67", "+393331234567")]
    [InlineData("02 1234567", "+39021234567")]
    [InlineData("(06) 1234 5678", "+390612345678")]
    [InlineData("081 5551234", "+390815551234")]
    [InlineData("+41 44 668 18 00", "+41446681800")] // a Swiss landline keeps its own country
    public void Phones_in_any_italian_format_become_e164(string typed, string e164)
    {
        Assert.True(PhoneNormalizer.TryNormalize(typed, out var result));
        Assert.Equal(e164, result);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("abc")]
    [InlineData("333 12")]
    [InlineData("1234567890123456789")]
    public void Non_phones_are_refused(string typed) => Assert.False(PhoneNormalizer.TryNormalize(typed, out _));

    [Fact]
    public void A_number_asked_again_gets_the_same_answer_whatever_came_between()
    {
        // The normaliser remembers its last answers (validation and writing ask twice); mixing
        // good, bad and foreign numbers, and a region other than Italy, must not cross them.
        string[] typed = ["333 1234567", "12", "02 1234567", "+41 44 668 18 00", "abc", "(06) 1234 5678", "333 1234567", "044 668 18 00"];
        var first = typed.Select(t => (PhoneNormalizer.TryNormalize(t, out var e), e)).ToList();
        for (var round = 0; round < 3; round++)
            for (var i = typed.Length - 1; i >= 0; i--)
                Assert.Equal(first[i], (PhoneNormalizer.TryNormalize(typed[i], out var e), e));
        Assert.True(PhoneNormalizer.TryNormalize("044 668 18 00", out var swiss, "CH"));
        Assert.Equal("+41446681800", swiss);
        Assert.Equal(first[7], (PhoneNormalizer.TryNormalize("044 668 18 00", out var italian), italian));
        Assert.NotEqual(swiss, italian);
    }

    [Theory]
    [InlineData("ROSSI", "Rossi")]
    [InlineData("de luca", "De Luca")]
    [InlineData("d'amico", "D'Amico")]
    [InlineData("  maria   grazia ", "Maria Grazia")]
    [InlineData("McDonald", "McDonald")] // mixed case is kept as typed
    [InlineData("NICOLÒ", "Nicolò")]
    public void Names_are_cased_and_spaced(string typed, string expected) => Assert.Equal(expected, TextNormalizer.PersonName(typed));

    [Theory]
    [InlineData("D'Amico  Nicolò", "d amico nicolo")]
    [InlineData("Rossi S.r.l.", "rossi s r l")]
    public void Search_keys_drop_case_accents_and_punctuation(string input, string key) => Assert.Equal(key, TextNormalizer.SearchKey(input));

    [Theory]
    [InlineData("Via Roma", "Via Roma")]
    [InlineData("  Via  Roma ", "Via Roma")]
    [InlineData("Via\tRoma", "Via Roma")]
    [InlineData("Via \u00a0Roma", "Via Roma")]
    [InlineData("Via Roma\n", "Via Roma")]
    [InlineData("V", "V")]
    [InlineData(" \t ", null)]
    public void Clean_trims_and_collapses_any_white_space(string input, string? clean) => Assert.Equal(clean, TextNormalizer.Clean(input));

    [Theory]
    [InlineData("mario.rossi@example.it", true)]
    [InlineData("m@e.it", true)]
    [InlineData("mario@@example.it", false)]
    [InlineData("mario@example", false)]
    [InlineData("mario rossi@example.it", false)]
    [InlineData("@example.it", false)]
    public void Emails_are_checked(string email, bool valid) => Assert.Equal(valid, TextNormalizer.IsValidEmail(email));

    [Theory]
    [InlineData("+393331234567", "+39 333 123 4567")]
    [InlineData("+39021234567", "+39 02 1234567")]
    [InlineData("+390815551234", "+39 081 5551234")]
    public void Phones_display_grouped(string e164, string shown) => Assert.Equal(shown, Format.Phone(e164));
}
