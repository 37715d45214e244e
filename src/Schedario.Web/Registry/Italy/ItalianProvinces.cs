using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Schedario.Web.Registry.Italy;

/// <summary>An Italian province or metropolitan city: its sigla (e.g. "MI"), Italian name and region.</summary>
public sealed record Province(string Code, string Name, string Region);

/// <summary>
/// The 20 Italian regions and the 107 provinces / metropolitan cities with the siglas in use on
/// number plates and in addresses (including "SU" Sud Sardegna).
/// </summary>
public static class ItalianProvinces
{
    public const string Piemonte = "Piemonte";
    public const string ValleDAosta = "Valle d'Aosta";
    public const string Lombardia = "Lombardia";
    public const string TrentinoAltoAdige = "Trentino-Alto Adige";
    public const string Veneto = "Veneto";
    public const string FriuliVeneziaGiulia = "Friuli-Venezia Giulia";
    public const string Liguria = "Liguria";
    public const string EmiliaRomagna = "Emilia-Romagna";
    public const string Toscana = "Toscana";
    public const string Umbria = "Umbria";
    public const string Marche = "Marche";
    public const string Lazio = "Lazio";
    public const string Abruzzo = "Abruzzo";
    public const string Molise = "Molise";
    public const string Campania = "Campania";
    public const string Puglia = "Puglia";
    public const string Basilicata = "Basilicata";
    public const string Calabria = "Calabria";
    public const string Sicilia = "Sicilia";
    public const string Sardegna = "Sardegna";

    /// <summary>The 20 regions, north to south (ISTAT order).</summary>
    public static IReadOnlyList<string> Regions { get; } =
    [
        Piemonte, ValleDAosta, Lombardia, TrentinoAltoAdige, Veneto, FriuliVeneziaGiulia, Liguria,
        EmiliaRomagna, Toscana, Umbria, Marche, Lazio, Abruzzo, Molise, Campania, Puglia, Basilicata,
        Calabria, Sicilia, Sardegna,
    ];

    /// <summary>The 107 provinces / metropolitan cities, grouped by region.</summary>
    public static IReadOnlyList<Province> All { get; } =
    [
        new("TO", "Torino", Piemonte),
        new("VC", "Vercelli", Piemonte),
        new("NO", "Novara", Piemonte),
        new("CN", "Cuneo", Piemonte),
        new("AT", "Asti", Piemonte),
        new("AL", "Alessandria", Piemonte),
        new("BI", "Biella", Piemonte),
        new("VB", "Verbano-Cusio-Ossola", Piemonte),
        new("AO", "Aosta", ValleDAosta),
        new("VA", "Varese", Lombardia),
        new("CO", "Como", Lombardia),
        new("SO", "Sondrio", Lombardia),
        new("MI", "Milano", Lombardia),
        new("BG", "Bergamo", Lombardia),
        new("BS", "Brescia", Lombardia),
        new("PV", "Pavia", Lombardia),
        new("CR", "Cremona", Lombardia),
        new("MN", "Mantova", Lombardia),
        new("LC", "Lecco", Lombardia),
        new("LO", "Lodi", Lombardia),
        new("MB", "Monza e della Brianza", Lombardia),
        new("BZ", "Bolzano", TrentinoAltoAdige),
        new("TN", "Trento", TrentinoAltoAdige),
        new("VR", "Verona", Veneto),
        new("VI", "Vicenza", Veneto),
        new("BL", "Belluno", Veneto),
        new("TV", "Treviso", Veneto),
        new("VE", "Venezia", Veneto),
        new("PD", "Padova", Veneto),
        new("RO", "Rovigo", Veneto),
        new("UD", "Udine", FriuliVeneziaGiulia),
        new("GO", "Gorizia", FriuliVeneziaGiulia),
        new("TS", "Trieste", FriuliVeneziaGiulia),
        new("PN", "Pordenone", FriuliVeneziaGiulia),
        new("IM", "Imperia", Liguria),
        new("SV", "Savona", Liguria),
        new("GE", "Genova", Liguria),
        new("SP", "La Spezia", Liguria),
        new("PC", "Piacenza", EmiliaRomagna),
        new("PR", "Parma", EmiliaRomagna),
        new("RE", "Reggio Emilia", EmiliaRomagna),
        new("MO", "Modena", EmiliaRomagna),
        new("BO", "Bologna", EmiliaRomagna),
        new("FE", "Ferrara", EmiliaRomagna),
        new("RA", "Ravenna", EmiliaRomagna),
        new("FC", "Forlì-Cesena", EmiliaRomagna),
        new("RN", "Rimini", EmiliaRomagna),
        new("MS", "Massa-Carrara", Toscana),
        new("LU", "Lucca", Toscana),
        new("PT", "Pistoia", Toscana),
        new("FI", "Firenze", Toscana),
        new("LI", "Livorno", Toscana),
        new("PI", "Pisa", Toscana),
        new("AR", "Arezzo", Toscana),
        new("SI", "Siena", Toscana),
        new("GR", "Grosseto", Toscana),
        new("PO", "Prato", Toscana),
        new("PG", "Perugia", Umbria),
        new("TR", "Terni", Umbria),
        new("PU", "Pesaro e Urbino", Marche),
        new("AN", "Ancona", Marche),
        new("MC", "Macerata", Marche),
        new("AP", "Ascoli Piceno", Marche),
        new("FM", "Fermo", Marche),
        new("VT", "Viterbo", Lazio),
        new("RI", "Rieti", Lazio),
        new("RM", "Roma", Lazio),
        new("LT", "Latina", Lazio),
        new("FR", "Frosinone", Lazio),
        new("AQ", "L'Aquila", Abruzzo),
        new("TE", "Teramo", Abruzzo),
        new("PE", "Pescara", Abruzzo),
        new("CH", "Chieti", Abruzzo),
        new("CB", "Campobasso", Molise),
        new("IS", "Isernia", Molise),
        new("CE", "Caserta", Campania),
        new("BN", "Benevento", Campania),
        new("NA", "Napoli", Campania),
        new("AV", "Avellino", Campania),
        new("SA", "Salerno", Campania),
        new("FG", "Foggia", Puglia),
        new("BA", "Bari", Puglia),
        new("TA", "Taranto", Puglia),
        new("BR", "Brindisi", Puglia),
        new("LE", "Lecce", Puglia),
        new("BT", "Barletta-Andria-Trani", Puglia),
        new("PZ", "Potenza", Basilicata),
        new("MT", "Matera", Basilicata),
        new("CS", "Cosenza", Calabria),
        new("CZ", "Catanzaro", Calabria),
        new("RC", "Reggio Calabria", Calabria),
        new("KR", "Crotone", Calabria),
        new("VV", "Vibo Valentia", Calabria),
        new("TP", "Trapani", Sicilia),
        new("PA", "Palermo", Sicilia),
        new("ME", "Messina", Sicilia),
        new("AG", "Agrigento", Sicilia),
        new("CL", "Caltanissetta", Sicilia),
        new("EN", "Enna", Sicilia),
        new("CT", "Catania", Sicilia),
        new("RG", "Ragusa", Sicilia),
        new("SR", "Siracusa", Sicilia),
        new("SS", "Sassari", Sardegna),
        new("NU", "Nuoro", Sardegna),
        new("CA", "Cagliari", Sardegna),
        new("OR", "Oristano", Sardegna),
        new("SU", "Sud Sardegna", Sardegna),
    ];

    // Other spellings people type: official long forms, bilingual names, chief towns whose name
    // differs from the province's.
    private static readonly (string Alias, string Code)[] Aliases =
    [
        ("Reggio nell'Emilia", "RE"), ("Reggio di Calabria", "RC"), ("Bozen", "BZ"), ("Bolzano/Bozen", "BZ"),
        ("Bolzano-Bozen", "BZ"), ("Alto Adige", "BZ"), ("Südtirol", "BZ"), ("Aoste", "AO"),
        ("Valle d'Aosta", "AO"), ("Vallée d'Aoste", "AO"), ("Monza", "MB"), ("Monza Brianza", "MB"),
        ("Monza e Brianza", "MB"), ("Pesaro", "PU"), ("Urbino", "PU"), ("Pesaro-Urbino", "PU"),
        ("Massa", "MS"), ("Carrara", "MS"), ("Massa Carrara", "MS"), ("Forlì", "FC"), ("Cesena", "FC"),
        ("Barletta", "BT"), ("Andria", "BT"), ("Trani", "BT"), ("Verbania", "VB"), ("Carbonia", "SU"),
        ("Sud Sardegna", "SU"), ("Roma Capitale", "RM"), ("La Spezia", "SP"), ("Spezia", "SP"),
        ("Aquila", "AQ"),
    ];

    private static readonly FrozenDictionary<string, Province> ByCode =
        All.ToFrozenDictionary(p => p.Code, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, Province> ByKey = BuildKeyIndex();

    private static readonly FrozenDictionary<string, string> RegionByKey =
        BuildRegionIndex();

    /// <summary>
    /// Finds a province by its two-letter sigla ("mi", "MI") or by name ("Milano", "milano",
    /// "Forli Cesena", "Reggio nell'Emilia", "Bozen"); case, accents, spaces and punctuation are ignored.
    /// </summary>
    public static Province? Find(string? codeOrName)
    {
        if (string.IsNullOrWhiteSpace(codeOrName)) return null;
        var text = codeOrName.Trim();
        if (text.Length == 2 && ByCode.TryGetValue(text, out var byCode)) return byCode;
        // "(MI)" as copied from an address line.
        if (text.Length == 4 && text[0] == '(' && text[3] == ')' && ByCode.TryGetValue(text.Substring(1, 2), out byCode))
            return byCode;
        var key = Key(text);
        if (key.Length == 0) return null;
        return ByKey.GetValueOrDefault(key);
    }

    /// <summary>The upper-case two-letter sigla for a code or name, or null when unknown.</summary>
    public static string? NormalizeCode(string? codeOrName) => Find(codeOrName)?.Code;

    /// <summary>The region of a province (by sigla or name), or null when unknown.</summary>
    public static string? RegionOf(string? code) => Find(code)?.Region;

    /// <summary>The provinces of a region (matched like <see cref="NormalizeRegion"/>); empty when unknown.</summary>
    public static IReadOnlyList<Province> InRegion(string? region)
    {
        var name = NormalizeRegion(region);
        if (name is null) return [];
        var list = new List<Province>();
        foreach (var p in All)
        {
            if (p.Region == name) list.Add(p);
        }
        return list;
    }

    /// <summary>
    /// The official region name for loose input ("emilia romagna", "Friuli Venezia Giulia",
    /// "Val d'Aosta", "Trentino-Alto Adige/Südtirol"), or null when unknown.
    /// </summary>
    public static string? NormalizeRegion(string? region)
    {
        if (string.IsNullOrWhiteSpace(region)) return null;
        return RegionByKey.GetValueOrDefault(Key(region));
    }

    private static FrozenDictionary<string, Province> BuildKeyIndex()
    {
        var map = new Dictionary<string, Province>(StringComparer.Ordinal);
        foreach (var p in All) map[Key(p.Name)] = p;
        foreach (var (alias, code) in Aliases) map.TryAdd(Key(alias), ByCode[code]);
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static FrozenDictionary<string, string> BuildRegionIndex()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in Regions) map[Key(r)] = r;
        map.TryAdd(Key("Val d'Aosta"), ValleDAosta);
        map.TryAdd(Key("Valle d'Aosta/Vallée d'Aoste"), ValleDAosta);
        map.TryAdd(Key("Vallée d'Aoste"), ValleDAosta);
        map.TryAdd(Key("Trentino-Alto Adige/Südtirol"), TrentinoAltoAdige);
        map.TryAdd(Key("Trentino"), TrentinoAltoAdige);
        map.TryAdd(Key("Friuli"), FriuliVeneziaGiulia);
        map.TryAdd(Key("Emilia"), EmiliaRomagna);
        map.TryAdd(Key("Apulia"), Puglia);
        map.TryAdd(Key("Sicily"), Sicilia);
        map.TryAdd(Key("Sardinia"), Sardegna);
        map.TryAdd(Key("Lombardy"), Lombardia);
        map.TryAdd(Key("Piedmont"), Piemonte);
        map.TryAdd(Key("Tuscany"), Toscana);
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Upper-case letters and digits only, accents folded: "Forlì-Cesena" → "FORLICESENA".</summary>
    private static string Key(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }
}
