using Schedario.Web.Registry.Italy;

namespace Schedario.Tests.Registry.Italy;

public class ItalianProvincesTests
{
    [Fact]
    public void There_are_107_provinces_with_unique_codes()
    {
        Assert.Equal(107, ItalianProvinces.All.Count);
        Assert.Equal(107, ItalianProvinces.All.Select(p => p.Code).Distinct().Count());
        Assert.Equal(107, ItalianProvinces.All.Select(p => p.Name).Distinct().Count());
        Assert.All(ItalianProvinces.All, p => Assert.Matches("^[A-Z]{2}$", p.Code));
    }

    [Fact]
    public void There_are_20_regions_and_every_province_belongs_to_one()
    {
        Assert.Equal(20, ItalianProvinces.Regions.Count);
        Assert.Equal(20, ItalianProvinces.Regions.Distinct().Count());
        Assert.All(ItalianProvinces.All, p => Assert.Contains(p.Region, ItalianProvinces.Regions));
        Assert.Equal(20, ItalianProvinces.All.Select(p => p.Region).Distinct().Count());
        Assert.Contains("Valle d'Aosta", ItalianProvinces.Regions);
        Assert.Contains("Trentino-Alto Adige", ItalianProvinces.Regions);
        Assert.Contains("Friuli-Venezia Giulia", ItalianProvinces.Regions);
        Assert.Contains("Emilia-Romagna", ItalianProvinces.Regions);
    }

    [Theory]
    [InlineData("Piemonte", 8)]
    [InlineData("Valle d'Aosta", 1)]
    [InlineData("Lombardia", 12)]
    [InlineData("Trentino-Alto Adige", 2)]
    [InlineData("Veneto", 7)]
    [InlineData("Friuli-Venezia Giulia", 4)]
    [InlineData("Liguria", 4)]
    [InlineData("Emilia-Romagna", 9)]
    [InlineData("Toscana", 10)]
    [InlineData("Umbria", 2)]
    [InlineData("Marche", 5)]
    [InlineData("Lazio", 5)]
    [InlineData("Abruzzo", 4)]
    [InlineData("Molise", 2)]
    [InlineData("Campania", 5)]
    [InlineData("Puglia", 6)]
    [InlineData("Basilicata", 2)]
    [InlineData("Calabria", 5)]
    [InlineData("Sicilia", 9)]
    [InlineData("Sardegna", 5)]
    public void Provinces_per_region(string region, int count)
        => Assert.Equal(count, ItalianProvinces.InRegion(region).Count);

    [Theory]
    [InlineData("mi")]
    [InlineData("MI")]
    [InlineData(" Mi ")]
    [InlineData("Milano")]
    [InlineData("milano")]
    [InlineData("MILANO")]
    [InlineData("(MI)")]
    public void Find_milano(string input)
    {
        var p = ItalianProvinces.Find(input);
        Assert.NotNull(p);
        Assert.Equal("MI", p.Code);
        Assert.Equal("Milano", p.Name);
        Assert.Equal("Lombardia", p.Region);
    }

    [Theory]
    [InlineData("SU", "SU", "Sardegna")]
    [InlineData("Sud Sardegna", "SU", "Sardegna")]
    [InlineData("AO", "AO", "Valle d'Aosta")]
    [InlineData("aosta", "AO", "Valle d'Aosta")]
    [InlineData("Forlì-Cesena", "FC", "Emilia-Romagna")]
    [InlineData("forli cesena", "FC", "Emilia-Romagna")]
    [InlineData("Reggio nell'Emilia", "RE", "Emilia-Romagna")]
    [InlineData("Reggio Calabria", "RC", "Calabria")]
    [InlineData("Monza e della Brianza", "MB", "Lombardia")]
    [InlineData("Monza", "MB", "Lombardia")]
    [InlineData("Bozen", "BZ", "Trentino-Alto Adige")]
    [InlineData("Barletta-Andria-Trani", "BT", "Puglia")]
    [InlineData("L'Aquila", "AQ", "Abruzzo")]
    [InlineData("la spezia", "SP", "Liguria")]
    [InlineData("Pesaro e Urbino", "PU", "Marche")]
    [InlineData("Verbano-Cusio-Ossola", "VB", "Piemonte")]
    [InlineData("Trieste", "TS", "Friuli-Venezia Giulia")]
    [InlineData("Roma", "RM", "Lazio")]
    [InlineData("Napoli", "NA", "Campania")]
    [InlineData("Isernia", "IS", "Molise")]
    public void Find_by_code_or_name(string input, string code, string region)
    {
        Assert.Equal(code, ItalianProvinces.NormalizeCode(input));
        Assert.Equal(region, ItalianProvinces.RegionOf(input));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("XX")]
    [InlineData("Atlantide")]
    [InlineData("Milan o bello")]
    public void Unknown_input_gives_null(string? input)
    {
        Assert.Null(ItalianProvinces.Find(input));
        Assert.Null(ItalianProvinces.NormalizeCode(input));
        Assert.Null(ItalianProvinces.RegionOf(input));
    }

    [Theory]
    [InlineData("emilia romagna", "Emilia-Romagna")]
    [InlineData("Friuli Venezia Giulia", "Friuli-Venezia Giulia")]
    [InlineData("Val d'Aosta", "Valle d'Aosta")]
    [InlineData("Trentino-Alto Adige/Südtirol", "Trentino-Alto Adige")]
    [InlineData("SICILIA", "Sicilia")]
    public void Normalize_region(string input, string expected)
        => Assert.Equal(expected, ItalianProvinces.NormalizeRegion(input));
}
