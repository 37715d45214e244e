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
