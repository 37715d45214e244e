using Schedario.Web.Registry.Italy;

namespace Schedario.Tests.Registry.Italy;

public class CodiceFiscaleTests
{
    [Theory]
    [InlineData("RSSMRA85T10A562S")] // the classic example: Mario Rossi, 10/12/1985
    [InlineData("RSSMRA90C45F205U")] // woman: day + 40
    [InlineData("BNCGFR70A01H501O")]
    [InlineData("VRDLCU01E15F839N")]
    [InlineData("DNGNCL99M31L219X")]
    public void Known_codes_are_valid(string cf) => Assert.True(CodiceFiscale.IsValid(cf));

    [Theory]
    [InlineData("RSSMRA85T10A562T")] // wrong check character
    [InlineData("RSSMRA85T10A562A")]
    [InlineData("RSSMRA85T10A562")] // 15 characters
    [InlineData("RSSMRA85T10A562SS")] // 17 characters
    [InlineData("RSSMRA85Z10A562S")] // Z is not a month letter
    [InlineData("RSSMRA85F10A562S")] // F is not a month letter
    [InlineData("RSSMRA85T00A562S")] // day 0
    [InlineData("RSSMRA85T32A562S")] // day 32
    [InlineData("RSSMRA85T72A562S")] // day 72
    [InlineData("RSSMRA8ET10A562S")] // E is not an omocodia letter
    [InlineData("RSS4RA85T10A562S")] // digit in a letter position
    [InlineData("RSSMRA85T101562S")] // the cadastral code must start with a letter
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Invalid_codes_are_rejected(string? cf) => Assert.False(CodiceFiscale.IsValid(cf));

    [Fact]
    public void Day_between_32_and_40_is_rejected_even_with_the_right_check_character()
    {
        var first15 = "RSSMRA85T35A562";
        var cf = first15 + CodiceFiscale.ComputeCheckChar(first15);
        Assert.False(CodiceFiscale.IsValid(cf));
    }

    [Theory]
    [InlineData(" rssmra85t10a562s ", "RSSMRA85T10A562S")]
    [InlineData("RSS MRA 85T10 A562S", "RSSMRA85T10A562S")]
    [InlineData("rss\tmra85t10a562s\n", "RSSMRA85T10A562S")]
    [InlineData(null, "")]
    public void Normalize_trims_removes_spaces_and_uppercases(string? input, string expected)
        => Assert.Equal(expected, CodiceFiscale.Normalize(input));

    [Fact]
    public void Lowercase_with_spaces_is_valid_after_normalize()
    {
        var normalized = CodiceFiscale.Normalize("  rssmra 85t10 a562s ");
        Assert.True(CodiceFiscale.IsValid(normalized));
        // IsValid normalizes on its own as well.
        Assert.True(CodiceFiscale.IsValid("  rssmra 85t10 a562s "));
    }

    [Fact]
    public void Check_char_of_the_classic_example()
        => Assert.Equal('S', CodiceFiscale.ComputeCheckChar("RSSMRA85T10A562"));

    [Fact]
    public void Check_char_accepts_lower_case()
        => Assert.Equal('S', CodiceFiscale.ComputeCheckChar("rssmra85t10a562"));

    [Fact]
    public void Check_char_rejects_short_input()
        => Assert.Throws<ArgumentException>(() => CodiceFiscale.ComputeCheckChar("RSSMRA85T10"));

    [Theory]
    [InlineData("Rossi", "Mario", 1985, 12, 10, false, "A562", "RSSMRA85T10A562S")]
    [InlineData("Rossi", "Maria", 1990, 3, 5, true, "F205", "RSSMRA90C45F205U")]
    [InlineData("Bianchi", "Gianfranco", 1970, 1, 1, false, "H501", "BNCGFR70A01H501O")] // 4+ consonants: 1st, 3rd, 4th
    [InlineData("Verdi", "Luca", 2001, 5, 15, false, "F839", "VRDLCU01E15F839N")]
    [InlineData("D'Angelo", "Nicolò", 1999, 8, 31, false, "L219", "DNGNCL99M31L219X")] // apostrophe, accent
    public void Compute_matches_known_codes(string last, string first, int y, int m, int d, bool female, string belfiore, string expected)
        => Assert.Equal(expected, CodiceFiscale.Compute(last, first, new DateOnly(y, m, d), female, belfiore));

    [Theory]
    [InlineData("Rossi", "RSS")]
    [InlineData("Esposito", "SPS")]
    [InlineData("De Luca", "DLC")]
    [InlineData("D'Angelo", "DNG")]
    [InlineData("Fo", "FOX")]
    [InlineData("Rè", "REX")]
    [InlineData("Bo", "BOX")]
    [InlineData("Oe", "OEX")]
    [InlineData("Cantù", "CNT")]
    [InlineData("Poi", "POI")]
    [InlineData("Lai", "LAI")]
    public void Surname_part_follows_consonants_vowels_x(string surname, string expected)
        => Assert.StartsWith(expected, CodiceFiscale.Compute(surname, "Mario", new DateOnly(1980, 1, 1), false, "F205"));

    [Theory]
    [InlineData("Mario", "MRA")]
    [InlineData("Luca", "LCU")]
    [InlineData("Ugo", "GUO")]
    [InlineData("Al", "LAX")]
    [InlineData("Gianfranco", "GFR")]
    [InlineData("Francesco", "FNC")]
    [InlineData("Alessandro", "LSN")]
    [InlineData("Niccolò", "NCL")]
    [InlineData("Anna Maria", "NMR")]
    [InlineData("Marco", "MRC")]
    [InlineData("Giuseppe", "GPP")] // G S P P: 1st, 3rd, 4th
    [InlineData("Eva", "VEA")]
    public void Name_part_follows_the_official_rule(string name, string expected)
        => Assert.Equal(expected, CodiceFiscale.Compute("Rossi", name, new DateOnly(1980, 1, 1), false, "F205").Substring(3, 3));

    [Fact]
    public void Compute_encodes_date_and_sex()
    {
        var cf = CodiceFiscale.Compute("Rossi", "Anna", new DateOnly(2003, 7, 9), true, "h501");
        Assert.Equal("03", cf.Substring(6, 2));
        Assert.Equal('L', cf[8]); // July
        Assert.Equal("49", cf.Substring(9, 2));
        Assert.Equal("H501", cf.Substring(11, 4));
        Assert.True(CodiceFiscale.IsValid(cf));
    }

    [Fact]
    public void Compute_rejects_a_malformed_belfiore_code()
    {
        Assert.Throws<ArgumentException>(() => CodiceFiscale.Compute("Rossi", "Mario", new DateOnly(1980, 1, 1), false, "F20"));
        Assert.Throws<ArgumentException>(() => CodiceFiscale.Compute("Rossi", "Mario", new DateOnly(1980, 1, 1), false, "1205"));
    }

    [Fact]
    public void Every_month_letter_round_trips()
    {
        for (var month = 1; month <= 12; month++)
        {
            var date = new DateOnly(1977, month, 28);
            var cf = CodiceFiscale.Compute("Bianchi", "Giulia", date, true, "D612");
            Assert.True(CodiceFiscale.IsValid(cf), cf);
            Assert.True(CodiceFiscale.TryGetBirthDate(cf, new DateOnly(2026, 1, 1), out var back));
            Assert.Equal(date, back);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void Omocodic_variants_are_valid(int level)
    {
        var variant = CodiceFiscale.ToOmocodia("RSSMRA85T10A562S", level);
        Assert.NotEqual("RSSMRA85T10A562S", variant);
        Assert.True(CodiceFiscale.IsValid(variant), variant);
        Assert.True(CodiceFiscale.TryGetBirthDate(variant, new DateOnly(2026, 1, 1), out var date));
        Assert.Equal(new DateOnly(1985, 12, 10), date);
        Assert.Equal("A562", CodiceFiscale.GetBelfioreCode(variant));
    }

    [Fact]
    public void Omocodia_built_by_hand_is_valid()
    {
        // Last digit 2 -> N, then recompute the check character.
        var first15 = "RSSMRA85T10A56N";
        var cf = first15 + CodiceFiscale.ComputeCheckChar(first15);
        Assert.Equal(CodiceFiscale.ToOmocodia("RSSMRA85T10A562S", 1), cf);
        Assert.True(CodiceFiscale.IsValid(cf));
        // The original check character no longer fits.
        Assert.False(CodiceFiscale.IsValid("RSSMRA85T10A56NS"));
        // Fully omocodic: 85 -> UR, 10 -> ML, 562 -> RSN.
        var full = CodiceFiscale.ToOmocodia("RSSMRA85T10A562S", 7);
        Assert.StartsWith("RSSMRAURTMLARSN", full);
    }

    [Fact]
    public void Birth_date_and_sex_are_read_back()
    {
        Assert.True(CodiceFiscale.TryGetBirthDate("RSSMRA85T10A562S", new DateOnly(2026, 1, 1), out var date));
        Assert.Equal(new DateOnly(1985, 12, 10), date);
        Assert.True(CodiceFiscale.TryGetFemale("RSSMRA90C45F205U", out var female));
        Assert.True(female);
        Assert.True(CodiceFiscale.TryGetFemale("RSSMRA85T10A562S", out female));
        Assert.False(female);
        Assert.True(CodiceFiscale.TryGetBirthDate("VRDLCU01E15F839N", new DateOnly(2026, 1, 1), out date));
        Assert.Equal(new DateOnly(2001, 5, 15), date);
        Assert.False(CodiceFiscale.TryGetBirthDate("RSSMRA85T10A562T", out _));
    }

    [Fact]
    public void Impossible_date_is_not_read_back()
    {
        var first15 = "RSSMRA85B30A562"; // 30 February
        var cf = first15 + CodiceFiscale.ComputeCheckChar(first15);
        Assert.True(CodiceFiscale.IsValid(cf));
        Assert.False(CodiceFiscale.TryGetBirthDate(cf, new DateOnly(2026, 1, 1), out _));
    }
}
