using System.Globalization;
using System.Text;
using Schedario.Web.Registry.Italy;

namespace Schedario.Web.Demo;

public enum GeneratedKind { Person, Company }

public sealed record GeneratedAddress(string Street, string HouseNumber, string PostalCode, string City, string Province, string Region);

public sealed record GeneratedCustomer(
    string ExternalId,
    GeneratedKind Kind,
    string? FirstName,
    string? LastName,
    string? CompanyName,
    string? LegalForm,
    string? TaxCode,
    string? VatNumber,
    bool Female,
    DateOnly? BirthDate,
    GeneratedAddress Address,
    string? MainPhone,
    string? MobilePhone,
    string? Email,
    string Stage,
    bool PhoneMarketingConsent,
    bool EmailMarketingConsent,
    IReadOnlyList<string> CharacteristicCodes,
    DateOnly CreatedOn);

/// <summary>
/// A town the generator places records in: name, province sigla, first postal code and how many
/// consecutive codes it spans (big cities have one per district), Belfiore cadastral code,
/// telephone area code, and a weight proportional to the population it stands for.
/// </summary>
public sealed record ItalianTown(
    string Name, string ProvinceCode, string PostalCodeFrom, int PostalCodeCount,
    string BelfioreCode, string AreaCode, int Weight);

/// <summary>
/// Deterministic generator of realistic Italian registry records (persons ~80%, companies ~20%)
/// for the demo data set and for benchmarks. The same seed and the same sequence of
/// <see cref="Next"/> calls produce the same records. Not thread-safe: use one instance per thread.
/// Every person gets a valid codice fiscale (computed from name, birth date, sex and the Belfiore
/// code of the town), every company a valid partita IVA; sole traders (ditta individuale) also
/// carry the owner's name and codice fiscale.
/// </summary>
public sealed class ItalianDataGenerator
{
    /// <summary>Records are created within the three years before this date.</summary>
    public static readonly DateOnly ReferenceDate = new(2026, 11, 1);

    public static IReadOnlyList<(string Code, string Description, string Category)> CharacteristicCatalog { get; } =
    [
        ("PC", "Possiede un PC", "Tecnologia"),
        ("ADSL", "Coperto da ADSL", "Tecnologia"),
        ("FIBRA", "Coperto da fibra", "Tecnologia"),
        ("VIAGGI", "Ama viaggiare", "Interessi"),
        ("AUTO", "Possiede un'auto", "Beni"),
        ("CASA", "Casa di proprietà", "Beni"),
        ("FIGLI", "Ha figli", "Famiglia"),
        ("ANIMALI", "Ha animali domestici", "Famiglia"),
        ("SPORT", "Pratica sport", "Interessi"),
        ("ENERGIA", "Interessato a offerte energia", "Interessi"),
    ];

    public static IReadOnlyList<string> Stages { get; } = ["lead", "suspect", "prospect", "customer"];

    public static IReadOnlyList<string> LegalForms { get; } =
        ["S.r.l.", "S.p.A.", "S.n.c.", "S.a.s.", "S.r.l.s.", "Ditta individuale"];

    // Per cent weights of LegalForms.
    private static readonly int[] LegalFormWeights = [40, 8, 10, 10, 12, 20];

    /// <summary>
    /// Every chief town of the 107 provinces plus a few more towns for the big ones; weights are
    /// roughly thousands of inhabitants of the area the town stands for.
    /// </summary>
    public static IReadOnlyList<ItalianTown> Towns { get; } =
    [
        // Piemonte
        new("Torino", "TO", "10121", 36, "L219", "011", 1400),
        new("Moncalieri", "TO", "10024", 1, "F335", "011", 260),
        new("Rivoli", "TO", "10098", 1, "H355", "011", 260),
        new("Collegno", "TO", "10093", 1, "C860", "011", 260),
        new("Vercelli", "VC", "13100", 1, "L750", "0161", 165),
        new("Novara", "NO", "28100", 1, "F952", "0321", 365),
        new("Cuneo", "CN", "12100", 1, "D205", "0171", 580),
        new("Asti", "AT", "14100", 1, "A479", "0141", 210),
        new("Alessandria", "AL", "15121", 2, "A182", "0131", 340),
        new("Acqui Terme", "AL", "15011", 1, "A052", "0144", 70),
        new("Biella", "BI", "13900", 1, "A859", "015", 170),
        new("Verbania", "VB", "28921", 3, "L746", "0323", 155),
        // Valle d'Aosta
        new("Aosta", "AO", "11100", 1, "A326", "0165", 123),
        // Lombardia
        new("Varese", "VA", "21100", 1, "L682", "0332", 440),
        new("Busto Arsizio", "VA", "21052", 1, "B300", "0331", 240),
        new("Gallarate", "VA", "21013", 1, "D869", "0331", 200),
        new("Como", "CO", "22100", 1, "C933", "031", 595),
        new("Sondrio", "SO", "23100", 1, "I829", "0342", 180),
        new("Milano", "MI", "20121", 42, "F205", "02", 2300),
        new("Rho", "MI", "20017", 1, "H264", "02", 250),
        new("Cinisello Balsamo", "MI", "20092", 1, "C707", "02", 250),
        new("Legnano", "MI", "20025", 1, "E514", "0331", 250),
        new("Abbiategrasso", "MI", "20081", 1, "A010", "02", 200),
        new("Bergamo", "BG", "24121", 9, "A794", "035", 1110),
        new("Brescia", "BS", "25121", 16, "B157", "030", 1255),
        new("Pavia", "PV", "27100", 1, "G388", "0382", 535),
        new("Cremona", "CR", "26100", 1, "D150", "0372", 350),
        new("Mantova", "MN", "46100", 1, "E897", "0376", 405),
        new("Lecco", "LC", "23900", 1, "E507", "0341", 333),
        new("Lodi", "LO", "26900", 1, "E648", "0371", 228),
        new("Monza", "MB", "20900", 1, "F704", "039", 870),
        // Trentino-Alto Adige
        new("Bolzano", "BZ", "39100", 1, "A952", "0471", 535),
        new("Trento", "TN", "38121", 3, "L378", "0461", 545),
        // Veneto
        new("Verona", "VR", "37121", 22, "L781", "045", 925),
        new("Vicenza", "VI", "36100", 1, "L840", "0444", 850),
        new("Belluno", "BL", "32100", 1, "A757", "0437", 198),
        new("Treviso", "TV", "31100", 1, "L407", "0422", 875),
        new("Venezia", "VE", "30121", 55, "L736", "041", 835),
        new("Padova", "PD", "35121", 23, "G224", "049", 785),
        new("Abano Terme", "PD", "35031", 1, "A001", "049", 150),
        new("Rovigo", "RO", "45100", 1, "H620", "0425", 165),
        new("Adria", "RO", "45011", 1, "A059", "0426", 65),
        // Friuli-Venezia Giulia
        new("Udine", "UD", "33100", 1, "L483", "0432", 515),
        new("Gorizia", "GO", "34170", 1, "E098", "0481", 138),
        new("Trieste", "TS", "34121", 31, "L424", "040", 229),
        new("Pordenone", "PN", "33170", 1, "G888", "0434", 310),
        // Liguria
        new("Imperia", "IM", "18100", 1, "E290", "0183", 210),
        new("Savona", "SV", "17100", 1, "I480", "019", 270),
        new("Genova", "GE", "16121", 47, "D969", "010", 815),
        new("La Spezia", "SP", "19121", 18, "E463", "0187", 215),
        // Emilia-Romagna
        new("Piacenza", "PC", "29121", 2, "G535", "0523", 285),
        new("Parma", "PR", "43121", 6, "G337", "0521", 455),
        new("Reggio Emilia", "RE", "42121", 4, "H223", "0522", 525),
        new("Modena", "MO", "41121", 6, "F257", "059", 705),
        new("Bologna", "BO", "40121", 21, "A944", "051", 1015),
        new("Ferrara", "FE", "44121", 4, "D548", "0532", 340),
        new("Ravenna", "RA", "48121", 5, "H199", "0544", 385),
        new("Forlì", "FC", "47121", 2, "D704", "0543", 392),
        new("Rimini", "RN", "47921", 4, "H294", "0541", 340),
        // Toscana
        new("Massa", "MS", "54100", 1, "F023", "0585", 190),
        new("Lucca", "LU", "55100", 1, "E715", "0583", 383),
        new("Pistoia", "PT", "51100", 1, "G713", "0573", 230),
        new("Agliana", "PT", "51031", 1, "A071", "0574", 60),
        new("Firenze", "FI", "50121", 25, "D612", "055", 985),
        new("Livorno", "LI", "57121", 8, "E625", "0586", 330),
        new("Pisa", "PI", "56121", 8, "G702", "050", 418),
        new("Arezzo", "AR", "52100", 1, "A390", "0575", 335),
        new("Siena", "SI", "53100", 1, "I726", "0577", 265),
        new("Grosseto", "GR", "58100", 1, "E202", "0564", 217),
        new("Prato", "PO", "59100", 1, "G999", "0574", 258),
        // Umbria
        new("Perugia", "PG", "06121", 15, "G478", "075", 640),
        new("Terni", "TR", "05100", 1, "L117", "0744", 218),
        // Marche
        new("Pesaro", "PU", "61121", 2, "G479", "0721", 350),
        new("Ancona", "AN", "60121", 11, "A271", "071", 465),
        new("Macerata", "MC", "62100", 1, "E783", "0733", 305),
        new("Ascoli Piceno", "AP", "63100", 1, "A462", "0736", 200),
        new("Fermo", "FM", "63900", 1, "D542", "0734", 170),
        // Lazio
        new("Viterbo", "VT", "01100", 1, "M082", "0761", 308),
        new("Rieti", "RI", "02100", 1, "H282", "0746", 151),
        new("Roma", "RM", "00118", 82, "H501", "06", 3300),
        new("Fiumicino", "RM", "00054", 1, "M297", "06", 300),
        new("Guidonia Montecelio", "RM", "00012", 1, "E263", "0774", 320),
        new("Tivoli", "RM", "00019", 1, "L182", "0774", 300),
        new("Latina", "LT", "04100", 1, "E472", "0773", 567),
        new("Frosinone", "FR", "03100", 1, "D810", "0775", 470),
        // Abruzzo
        new("L'Aquila", "AQ", "67100", 1, "A345", "0862", 288),
        new("Teramo", "TE", "64100", 1, "L103", "0861", 300),
        new("Pescara", "PE", "65121", 9, "G482", "085", 312),
        new("Chieti", "CH", "66100", 1, "C632", "0871", 375),
        // Molise
        new("Campobasso", "CB", "86100", 1, "B519", "0874", 215),
        new("Isernia", "IS", "86170", 1, "E335", "0865", 80),
        // Campania
        new("Caserta", "CE", "81100", 1, "B963", "0823", 900),
        new("Benevento", "BN", "82100", 1, "A783", "0824", 265),
        new("Napoli", "NA", "80121", 27, "F839", "081", 1700),
        new("Giugliano in Campania", "NA", "80014", 1, "E054", "081", 250),
        new("Torre del Greco", "NA", "80059", 1, "L259", "081", 250),
        new("Pozzuoli", "NA", "80078", 1, "G964", "081", 200),
        new("Casoria", "NA", "80026", 1, "B990", "081", 200),
        new("Afragola", "NA", "80021", 1, "A064", "081", 200),
        new("Acerra", "NA", "80011", 1, "A024", "081", 190),
        new("Avellino", "AV", "83100", 1, "A509", "0825", 400),
        new("Salerno", "SA", "84121", 15, "H703", "089", 1060),
        // Puglia
        new("Foggia", "FG", "71121", 2, "D643", "0881", 600),
        new("Bari", "BA", "70121", 12, "A662", "080", 1075),
        new("Acquaviva delle Fonti", "BA", "70021", 1, "A048", "080", 150),
        new("Taranto", "TA", "74121", 3, "L049", "099", 560),
        new("Brindisi", "BR", "72100", 1, "B180", "0831", 380),
        new("Lecce", "LE", "73100", 1, "E506", "0832", 775),
        new("Barletta", "BT", "76121", 1, "A669", "0883", 380),
        // Basilicata
        new("Potenza", "PZ", "85100", 1, "G942", "0971", 350),
        new("Matera", "MT", "75100", 1, "F052", "0835", 192),
        // Calabria
        new("Cosenza", "CS", "87100", 1, "D086", "0984", 670),
        new("Catanzaro", "CZ", "88100", 1, "C352", "0961", 345),
        new("Reggio Calabria", "RC", "89121", 15, "H224", "0965", 520),
        new("Crotone", "KR", "88900", 1, "D122", "0962", 165),
        new("Vibo Valentia", "VV", "89900", 1, "F537", "0963", 150),
        // Sicilia
        new("Trapani", "TP", "91100", 1, "L331", "0923", 420),
        new("Palermo", "PA", "90121", 31, "G273", "091", 1200),
        new("Messina", "ME", "98121", 48, "F158", "090", 600),
        new("Agrigento", "AG", "92100", 1, "A089", "0922", 415),
        new("Caltanissetta", "CL", "93100", 1, "B429", "0934", 250),
        new("Enna", "EN", "94100", 1, "C342", "0935", 160),
        new("Catania", "CT", "95121", 11, "C351", "095", 780),
        new("Acireale", "CT", "95024", 1, "A028", "095", 150),
        new("Adrano", "CT", "95031", 1, "A056", "095", 150),
        new("Ragusa", "RG", "97100", 1, "H163", "0932", 315),
        new("Siracusa", "SR", "96100", 1, "I754", "0931", 385),
        // Sardegna
        new("Sassari", "SS", "07100", 1, "I452", "079", 475),
        new("Nuoro", "NU", "08100", 1, "F979", "0784", 200),
        new("Cagliari", "CA", "09121", 14, "B354", "070", 420),
        new("Oristano", "OR", "09170", 1, "G113", "0783", 150),
        new("Carbonia", "SU", "09013", 1, "B745", "0781", 335),
    ];

    // Provincial office code of the partita IVA (the ISTAT province number, 001-100; provinces
    // created later keep the code of the one they were carved out of).
    private static readonly Dictionary<string, int> VatOfficeByProvince = new(StringComparer.Ordinal)
    {
        ["TO"] = 1, ["VC"] = 2, ["NO"] = 3, ["CN"] = 4, ["AT"] = 5, ["AL"] = 6, ["AO"] = 7, ["IM"] = 8,
        ["SV"] = 9, ["GE"] = 10, ["SP"] = 11, ["VA"] = 12, ["CO"] = 13, ["SO"] = 14, ["MI"] = 15, ["BG"] = 16,
        ["BS"] = 17, ["PV"] = 18, ["CR"] = 19, ["MN"] = 20, ["BZ"] = 21, ["TN"] = 22, ["VR"] = 23, ["VI"] = 24,
        ["BL"] = 25, ["TV"] = 26, ["VE"] = 27, ["PD"] = 28, ["RO"] = 29, ["UD"] = 30, ["GO"] = 31, ["TS"] = 32,
        ["PC"] = 33, ["PR"] = 34, ["RE"] = 35, ["MO"] = 36, ["BO"] = 37, ["FE"] = 38, ["RA"] = 39, ["FC"] = 40,
        ["PU"] = 41, ["AN"] = 42, ["MC"] = 43, ["AP"] = 44, ["MS"] = 45, ["LU"] = 46, ["PT"] = 47, ["FI"] = 48,
        ["LI"] = 49, ["PI"] = 50, ["AR"] = 51, ["SI"] = 52, ["GR"] = 53, ["PG"] = 54, ["TR"] = 55, ["VT"] = 56,
        ["RI"] = 57, ["RM"] = 58, ["LT"] = 59, ["FR"] = 60, ["CE"] = 61, ["BN"] = 62, ["NA"] = 63, ["AV"] = 64,
        ["SA"] = 65, ["AQ"] = 66, ["TE"] = 67, ["PE"] = 68, ["CH"] = 69, ["CB"] = 70, ["FG"] = 71, ["BA"] = 72,
        ["TA"] = 73, ["BR"] = 74, ["LE"] = 75, ["PZ"] = 76, ["MT"] = 77, ["CS"] = 78, ["CZ"] = 79, ["RC"] = 80,
        ["TP"] = 81, ["PA"] = 82, ["ME"] = 83, ["AG"] = 84, ["CL"] = 85, ["EN"] = 86, ["CT"] = 87, ["RG"] = 88,
        ["SR"] = 89, ["SS"] = 90, ["NU"] = 91, ["CA"] = 92, ["PN"] = 93, ["IS"] = 94, ["OR"] = 95, ["BI"] = 96,
        ["LC"] = 97, ["LO"] = 98, ["RN"] = 99, ["PO"] = 100,
        ["KR"] = 79, ["VV"] = 79, ["VB"] = 3, ["MB"] = 15, ["FM"] = 44, ["BT"] = 72, ["SU"] = 92,
    };

    public static IReadOnlyList<string> MaleFirstNames { get; } =
    [
        "Marco", "Giuseppe", "Giovanni", "Antonio", "Francesco", "Mario", "Luigi", "Alessandro", "Andrea", "Luca",
        "Paolo", "Stefano", "Roberto", "Angelo", "Vincenzo", "Salvatore", "Pietro", "Carlo", "Franco", "Domenico",
        "Bruno", "Sergio", "Giorgio", "Claudio", "Massimo", "Maurizio", "Fabio", "Davide", "Simone", "Matteo",
        "Lorenzo", "Riccardo", "Federico", "Gabriele", "Daniele", "Emanuele", "Michele", "Raffaele", "Nicola", "Alberto",
        "Enrico", "Giacomo", "Filippo", "Tommaso", "Leonardo", "Edoardo", "Diego", "Cristian", "Gianluca", "Alessio",
        "Fabrizio", "Marcello", "Renato", "Umberto", "Vittorio", "Ugo", "Aldo", "Emilio", "Gianni", "Walter",
        "Enzo", "Rocco", "Gaetano", "Ciro", "Carmine", "Pasquale", "Gennaro", "Sandro", "Mattia", "Samuele",
        "Jacopo", "Pierluigi", "Gianfranco", "Giancarlo", "Dario", "Ivan", "Mirko", "Nicolò", "Valerio", "Cesare",
        "Alfredo", "Ettore", "Giulio", "Piero",
    ];

    public static IReadOnlyList<string> FemaleFirstNames { get; } =
    [
        "Maria", "Anna", "Giuseppina", "Rosa", "Angela", "Giovanna", "Teresa", "Lucia", "Carmela", "Caterina",
        "Francesca", "Laura", "Paola", "Sara", "Giulia", "Chiara", "Valentina", "Alessandra", "Federica", "Silvia",
        "Elena", "Martina", "Simona", "Roberta", "Barbara", "Monica", "Cristina", "Daniela", "Patrizia", "Antonella",
        "Elisa", "Michela", "Claudia", "Serena", "Ilaria", "Sofia", "Aurora", "Alice", "Ginevra", "Emma",
        "Giorgia", "Beatrice", "Greta", "Noemi", "Camilla", "Marta", "Arianna", "Veronica", "Debora", "Manuela",
        "Stefania", "Rita", "Graziella", "Luisa", "Franca", "Gabriella", "Marina", "Raffaella", "Nadia", "Elisabetta",
        "Irene", "Eleonora", "Benedetta", "Ludovica", "Vittoria", "Carla", "Lorena", "Tiziana", "Donatella", "Loredana",
        "Rossella", "Mariangela", "Annalisa", "Concetta", "Assunta", "Immacolata", "Nunzia", "Filomena", "Agata", "Letizia",
        "Lucrezia", "Margherita",
    ];

    public static IReadOnlyList<string> Surnames { get; } = Distinct(
    [
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
        "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
        "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
        "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti",
        "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini",
        "Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti",
        "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza", "Testa", "Grassi", "Pellegrino", "Carbone", "Giuliani",
        "Benedetti", "Barone", "Rossetti", "Caputo", "Montanari", "Guerra", "Palmieri", "Bernardi", "Martino", "Fiore",
        "De Rosa", "Ferretti", "Bellini", "Basile", "Riva", "Donati", "Piras", "Vitali", "Battaglia", "Sartori",
        "Neri", "Costantini", "Milani", "Pagano", "Ruggiero", "Sorrentino", "D'Amico", "Orlando", "Negri", "Mancuso",
        "Orlandi", "Ruggeri", "Fumagalli", "Colonna", "Pace", "Bassi", "Brambilla", "Cirillo", "Ferrero", "Villani",
        "Zanetti", "Bellucci", "Cocco", "Fadda", "Melis", "Pinna", "Murgia", "Deiana", "Mele", "Porcu",
        "Lai", "Ricciardi", "Bonetti", "Brunetti", "Tedesco", "Marchi", "Mazzoni", "Bonomi", "Marchese", "Salvi",
        "Lupo", "Guidi", "D'Alessandro", "De Simone", "Di Stefano", "Di Marco", "Di Pietro", "Gagliardi", "Giorgi", "Grimaldi",
        "Iannone", "La Rosa", "Lucchese", "Marra", "Mazzola", "Molinari", "Napolitano", "Olivieri", "Pagani", "Parente",
        "Pastore", "Piccolo", "Pozzi", "Puglisi", "Quaranta", "Raimondi", "Rota", "Sacco", "Salerno", "Santini",
        "Sciortino", "Scotti", "Serafini", "Spinelli", "Tosi", "Tucci", "Valenti", "Vento", "Vitiello", "Zanella",
        "Zappa", "Zito", "Bertolini", "Bertoni", "Bianchini", "Boschi", "Calabrese", "Cappelli", "Carli", "Castelli",
        "Cavallo", "Cesari", "Corsi", "D'Agostino", "Di Giacomo", "Fiorentino", "Franco", "Fusco", "Gatto", "Giacomelli",
        "Gori", "Lanza", "Leonardi", "Locatelli", "Lorenzi", "Maggi", "Mantovani", "Marchesi", "Mariotti", "Massa",
        "Merlo", "Miele", "Mura", "Nardi", "Ottaviani", "Paoli", "Pepe", "Perrone", "Piazza", "Poli",
        "Rossini", "Vaccaro", "Venturi", "Verdi", "Nicolò", "Cantù", "Dell'Orto", "Lo Presti", "Mastroianni", "Esposti",
    ]);

    public static IReadOnlyList<string> StreetNames { get; } =
    [
        "Via Roma", "Via Garibaldi", "Corso Italia", "Piazza Duomo", "Viale Europa", "Via Mazzini", "Via Cavour",
        "Via Dante Alighieri", "Via Vittorio Emanuele II", "Corso Vittorio Emanuele", "Via Verdi", "Via Marconi",
        "Via XX Settembre", "Via IV Novembre", "Via Matteotti", "Via Gramsci", "Via Leopardi", "Via Manzoni",
        "Via Carducci", "Via Pascoli", "Via Kennedy", "Via Nazionale", "Via San Francesco", "Via Santa Maria",
        "Via della Repubblica", "Piazza della Libertà", "Piazza Municipio", "Via dei Mille", "Via Don Minzoni",
        "Via Aldo Moro", "Via Giovanni XXIII", "Viale della Vittoria", "Via Milano", "Via Napoli", "Via Torino",
        "Via Firenze", "Via Venezia", "Via Trieste", "Via Trento", "Via delle Rose", "Via dei Pini", "Via del Mare",
        "Via Galileo Galilei", "Via Cristoforo Colombo", "Via Giuseppe Di Vittorio", "Largo Augusto", "Vicolo Stretto",
        "Strada Provinciale 12", "Via Bologna", "Corso Garibaldi", "Via Puccini", "Via Petrarca",
    ];

    private static readonly string[] MobilePrefixes =
    [
        "320", "324", "327", "328", "329", "330", "331", "333", "334", "335", "336", "337", "338", "339", "340",
        "342", "345", "346", "347", "348", "349", "350", "351", "366", "368", "370", "371", "377", "380", "388",
        "389", "391", "392", "393",
    ];

    private static readonly (string Domain, int Weight)[] EmailDomains =
    [
        ("gmail.com", 34), ("libero.it", 20), ("hotmail.it", 9), ("virgilio.it", 8), ("alice.it", 7),
        ("outlook.it", 8), ("tiscali.it", 5), ("yahoo.it", 6), ("icloud.com", 3),
    ];

    private static readonly string[] CompanyActivities =
    [
        "Impianti", "Costruzioni", "Arredamenti", "Trasporti", "Serramenti", "Elettronica", "Ceramiche", "Autoricambi",
        "Forniture", "Consulting", "Service", "Group", "Immobiliare", "Infissi", "Termoidraulica", "Carpenteria",
        "Giardini", "Pulizie", "Logistica", "Informatica",
    ];

    private static readonly string[] CompanyPrefixes =
    [
        "Edil", "Autofficina", "Ferramenta", "Panificio", "Pizzeria", "Trasporti", "Studio", "Farmacia", "Officine",
        "Agricola", "Elettro", "Termo", "Ristorante", "Bar", "Tipografia", "Falegnameria", "Caseificio", "Cantina",
        "Carrozzeria", "Macelleria", "Parrucchieria", "Idraulica",
    ];

    private static readonly string[] BrandHeads =
        ["Tecno", "Edil", "Elettro", "Idro", "Termo", "Info", "Metal", "Eco", "Euro", "Medi", "Agri", "Logi", "Clima", "Sistem", "Ital", "Omni"];

    private static readonly string[] BrandTails =
        ["service", "impianti", "sistemi", "tech", "data", "plast", "logistica", "casa", "green", "net", "lux", "mec"];

    private static readonly string[] BrandZones =
        ["Sud", "Nord", "Italia", "Centro", "Adriatica", "Tirrenica", "Padana", "Mediterranea", "Alpina", "Sicula"];

    private static readonly string[] CompanyMailboxes = ["info", "info", "info", "info", "amministrazione", "commerciale", "ufficio"];

    private static readonly Dictionary<string, Province> ProvinceByCode =
        ItalianProvinces.All.ToDictionary(p => p.Code, StringComparer.Ordinal);

    // Precomputed, per-row lookups stay allocation-free.
    private static readonly int[] TownCumulative = Cumulative(Towns.Select(t => t.Weight));
    private static readonly int[] TownPostalBase = Towns.Select(t => int.Parse(t.PostalCodeFrom, CultureInfo.InvariantCulture)).ToArray();
    private static readonly string[] TownRegion = Towns.Select(t => ProvinceByCode[t.ProvinceCode].Region).ToArray();
    private static readonly string[] TownSlug = Towns.Select(t => Slug(t.Name)).ToArray();
    private static readonly string[] MaleSlug = MaleFirstNames.Select(Slug).ToArray();
    private static readonly string[] FemaleSlug = FemaleFirstNames.Select(Slug).ToArray();
    private static readonly string[] SurnameSlug = Surnames.Select(Slug).ToArray();
    private static readonly int[] EmailDomainCumulative = Cumulative(EmailDomains.Select(d => d.Weight));
    private static readonly int[] LegalFormCumulative = Cumulative(LegalFormWeights);
    private static readonly string[] CharacteristicCodes = CharacteristicCatalog.Select(c => c.Code).ToArray();

    private static readonly int MinBirthDay = new DateOnly(1941, 1, 1).DayNumber;
    private static readonly int MaxBirthDay = new DateOnly(2008, 10, 31).DayNumber;
    private static readonly int CreatedSpanDays = ReferenceDate.DayNumber - ReferenceDate.AddYears(-3).DayNumber;

    private readonly Random _random;

    public ItalianDataGenerator(int seed) => _random = new Random(seed);

    /// <summary>Generates <paramref name="count"/> records with indexes 1..count.</summary>
    public static IEnumerable<GeneratedCustomer> Generate(int seed, long count)
    {
        var generator = new ItalianDataGenerator(seed);
        for (long i = 1; i <= count; i++) yield return generator.Next(i);
    }

    /// <summary>
    /// The next record. <paramref name="index"/> gives the external id ("GEN-0000123") and makes
    /// e-mail addresses unique where they carry digits; the content comes from the random sequence.
    /// </summary>
    public GeneratedCustomer Next(long index)
    {
        var r = _random;
        var externalId = "GEN-" + index.ToString("D7", CultureInfo.InvariantCulture);
        var townIndex = PickCumulative(TownCumulative, r);
        var town = Towns[townIndex];
        var address = new GeneratedAddress(
            StreetNames[r.Next(StreetNames.Count)],
            HouseNumber(r),
            (TownPostalBase[townIndex] + r.Next(town.PostalCodeCount)).ToString("D5", CultureInfo.InvariantCulture),
            town.Name,
            town.ProvinceCode,
            TownRegion[townIndex]);

        var stage = Stages[PickStage(r)];
        var phoneConsent = r.Next(100) < 70;
        var emailConsent = r.Next(100) < 70;
        var characteristics = PickCharacteristics(r);
        var createdOn = ReferenceDate.AddDays(-1 - r.Next(CreatedSpanDays));

        if (r.Next(100) < 80)
        {
            var female = r.Next(2) == 0;
            var nameIndex = female ? r.Next(FemaleFirstNames.Count) : r.Next(MaleFirstNames.Count);
            var firstName = female ? FemaleFirstNames[nameIndex] : MaleFirstNames[nameIndex];
            var firstSlug = female ? FemaleSlug[nameIndex] : MaleSlug[nameIndex];
            var surnameIndex = r.Next(Surnames.Count);
            var lastName = Surnames[surnameIndex];
            var birthDate = BirthDate(r);
            var taxCode = CodiceFiscale.Compute(lastName, firstName, birthDate, female, town.BelfioreCode);
            var mobile = r.Next(100) < 90 ? Mobile(r) : null;
            var landline = r.Next(100) < (mobile is null ? 90 : 45) ? Landline(r, town.AreaCode) : null;
            var email = r.Next(100) < 80 ? PersonEmail(r, firstSlug, SurnameSlug[surnameIndex], birthDate, index) : null;
            return new GeneratedCustomer(
                externalId, GeneratedKind.Person, firstName, lastName, null, null, taxCode, null,
                female, birthDate, address, landline, mobile, email, stage, phoneConsent, emailConsent,
                characteristics, createdOn);
        }

        var legalForm = LegalForms[PickCumulative(LegalFormCumulative, r)];
        var vat = VatNumber(r, town.ProvinceCode);
        var companySurname = r.Next(Surnames.Count);
        string? ownerFirst = null, ownerLast = null, ownerTaxCode = null;
        DateOnly? ownerBirth = null;
        var ownerFemale = false;
        string companyName;
        if (legalForm == "Ditta individuale")
        {
            ownerFemale = r.Next(100) < 35;
            ownerFirst = ownerFemale ? FemaleFirstNames[r.Next(FemaleFirstNames.Count)] : MaleFirstNames[r.Next(MaleFirstNames.Count)];
            ownerLast = Surnames[companySurname];
            ownerBirth = BirthDate(r);
            ownerTaxCode = CodiceFiscale.Compute(ownerLast, ownerFirst, ownerBirth.Value, ownerFemale, town.BelfioreCode);
            companyName = r.Next(3) switch
            {
                0 => ownerLast + " " + ownerFirst,
                1 => CompanyPrefixes[r.Next(CompanyPrefixes.Length)] + " di " + ownerFirst + " " + ownerLast,
                _ => CompanyPrefixes[r.Next(CompanyPrefixes.Length)] + " " + ownerLast,
            };
        }
        else
        {
            companyName = CompanyName(r, companySurname, townIndex);
        }

        var main = Landline(r, town.AreaCode);
        var companyMobile = r.Next(100) < 35 ? Mobile(r) : null;
        var companyEmail = r.Next(100) < 90 ? CompanyEmail(r, companyName, index) : null;
        return new GeneratedCustomer(
            externalId, GeneratedKind.Company, ownerFirst, ownerLast, companyName, legalForm, ownerTaxCode, vat,
            ownerFemale, ownerBirth, address, main, companyMobile, companyEmail, stage, phoneConsent, emailConsent,
            characteristics, createdOn);
    }

    private static int PickStage(Random r)
    {
        var x = r.Next(100);
        return x < 40 ? 0 : x < 60 ? 1 : x < 80 ? 2 : 3;
    }

    private static string HouseNumber(Random r)
    {
        var n = r.Next(100) < 70 ? 1 + r.Next(60) : 1 + r.Next(250);
        var text = n.ToString(CultureInfo.InvariantCulture);
        return r.Next(100) switch
        {
            < 4 => text + "/A",
            < 6 => text + "/B",
            < 8 => text + " bis",
            < 9 => text + "A",
            _ => text,
        };
    }

    private static DateOnly BirthDate(Random r)
    {
        // Triangular distribution: more people in their 40s-60s than at the extremes.
        var span = MaxBirthDay - MinBirthDay;
        var offset = (r.Next(span + 1) + r.Next(span + 1)) / 2;
        return DateOnly.FromDayNumber(MinBirthDay + offset);
    }

    private static IReadOnlyList<string> PickCharacteristics(Random r)
    {
        var x = r.Next(100);
        var count = x < 30 ? 0 : x < 65 ? 1 : x < 90 ? 2 : 3;
        if (count == 0) return [];
        Span<int> order = stackalloc int[CharacteristicCodes.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            var j = i + r.Next(order.Length - i);
            (order[i], order[j]) = (order[j], order[i]);
            result[i] = CharacteristicCodes[order[i]];
        }
        return result;
    }

    private static string VatNumber(Random r, string province)
    {
        Span<char> digits = stackalloc char[11];
        var serial = 1 + r.Next(9_999_999); // 0000001-9999999: never all zeros
        serial.TryFormat(digits[..7], out _, "D7", CultureInfo.InvariantCulture);
        var office = VatOfficeByProvince.TryGetValue(province, out var o) ? o : 1 + r.Next(100);
        office.TryFormat(digits.Slice(7, 3), out _, "D3", CultureInfo.InvariantCulture);
        var check = PartitaIva.ComputeCheckDigit(new string(digits[..10]));
        digits[10] = (char)('0' + check);
        return new string(digits);
    }

    private static string CompanyName(Random r, int surnameIndex, int townIndex)
    {
        var surname = Surnames[surnameIndex];
        switch (r.Next(10))
        {
            case 0:
            case 1:
            case 2:
                return surname + " " + CompanyActivities[r.Next(CompanyActivities.Length)];
            case 3:
            case 4:
                return CompanyPrefixes[r.Next(CompanyPrefixes.Length)] + " " + surname;
            case 5:
            case 6:
                return BrandHeads[r.Next(BrandHeads.Length)] + BrandTails[r.Next(BrandTails.Length)] + " "
                    + (r.Next(3) == 0 ? Towns[townIndex].Name : BrandZones[r.Next(BrandZones.Length)]);
            case 7:
                return surname + " & " + Surnames[r.Next(Surnames.Count)];
            case 8:
                return r.Next(2) == 0 ? "F.lli " + surname : surname + " & Figli";
            default:
                return CompanyActivities[r.Next(CompanyActivities.Length)] + " " + Towns[townIndex].Name;
        }
    }

    private static string CompanyEmail(Random r, string companyName, long index)
    {
        var slug = Slug(companyName);
        if (slug.Length == 0) slug = "azienda";
        var box = CompanyMailboxes[r.Next(CompanyMailboxes.Length)];
        // Always the index: two generated companies never share an address (the benchmark's
        // duplicates are planted on purpose, not by chance).
        var suffix = index.ToString(CultureInfo.InvariantCulture);
        var tld = r.Next(100) < 85 ? ".it" : ".com";
        return box + "@" + slug + suffix + tld;
    }

    private static string PersonEmail(Random r, string first, string last, DateOnly birthDate, long index)
    {
        var local = r.Next(7) switch
        {
            0 or 1 or 2 => first + "." + last,
            3 => first + last,
            4 => first[0] + "." + last,
            5 => last + "." + first,
            _ => first + "_" + last,
        };
        // The index keeps every generated address unique; some people add their birth year too.
        var x = r.Next(100);
        if (x >= 60) local += (birthDate.Year % 100).ToString("D2", CultureInfo.InvariantCulture) + ".";
        local += index.ToString(CultureInfo.InvariantCulture);
        var domain = EmailDomains[PickCumulative(EmailDomainCumulative, r)].Domain;
        var email = local + "@" + domain;
        // A few people type their address with capitals.
        if (r.Next(100) < 4) email = char.ToUpperInvariant(email[0]) + email[1..];
        return email;
    }

    /// <summary>A 10-digit Italian mobile number (3xx + 7 digits) in a human format.</summary>
    private static string Mobile(Random r)
    {
        var prefix = MobilePrefixes[r.Next(MobilePrefixes.Length)];
        Span<char> sub = stackalloc char[7];
        RandomDigits(r, sub);
        return r.Next(20) switch
        {
            0 or 1 or 2 or 3 or 4 => string.Concat(prefix, " ", sub),
            5 or 6 or 7 => string.Concat(prefix, sub),
            8 or 9 => string.Concat("+39 ", prefix, " ", string.Concat(sub[..3], " ", sub[3..])),
            10 or 11 => string.Concat(prefix, " ", string.Concat(sub[..3], " ", sub[3..])),
            12 or 13 => string.Concat(prefix, "-", sub),
            14 => string.Concat("0039 ", prefix, " ", sub),
            15 => string.Concat("+39", prefix, sub),
            16 => string.Concat("+39 ", prefix, sub),
            17 => string.Concat(prefix, ".", sub),
            18 => string.Concat(prefix, "/", sub),
            _ => string.Concat("+39 ", prefix, " ", sub),
        };
    }

    /// <summary>
    /// A landline with the town's area code: 10 digits in total (9 or 10 with the 2-digit codes of
    /// Milano and Roma), in a human format.
    /// </summary>
    private static string Landline(Random r, string areaCode)
    {
        var subscriberLength = 10 - areaCode.Length;
        if (areaCode.Length == 2 && r.Next(2) == 0) subscriberLength = 7;
        Span<char> sub = stackalloc char[subscriberLength];
        RandomDigits(r, sub);
        var half = subscriberLength / 2;
        return r.Next(20) switch
        {
            0 or 1 or 2 or 3 or 4 => string.Concat(areaCode, " ", sub),
            5 or 6 or 7 => string.Concat(areaCode, "-", sub),
            8 or 9 => string.Concat("(", areaCode, ") ", string.Concat(sub[..half], " ", sub[half..])),
            10 or 11 => string.Concat(areaCode, sub),
            12 or 13 => string.Concat("+39 ", areaCode, " ", sub),
            14 => string.Concat("0039 ", areaCode, " ", sub),
            15 or 16 => string.Concat(areaCode, "/", sub),
            17 => string.Concat("(", areaCode, ") ", sub),
            18 => string.Concat(areaCode, ".", sub),
            _ => string.Concat("+39 ", areaCode, " ", string.Concat(sub[..half], " ", sub[half..])),
        };
    }

    private static void RandomDigits(Random r, Span<char> dest)
    {
        // Subscriber numbers do not start with 0.
        dest[0] = (char)('1' + r.Next(9));
        for (var i = 1; i < dest.Length; i++) dest[i] = (char)('0' + r.Next(10));
    }

    private static int PickCumulative(int[] cumulative, Random r)
    {
        var x = r.Next(cumulative[^1]);
        int lo = 0, hi = cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (cumulative[mid] > x) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    private static int[] Cumulative(IEnumerable<int> weights)
    {
        var list = new List<int>();
        var total = 0;
        foreach (var w in weights)
        {
            total += w;
            list.Add(total);
        }
        return list.ToArray();
    }

    private static string[] Distinct(string[] values) => values.Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Lower-case ASCII letters and digits only: "D'Angelo" → "dangelo", "Nicolò" → "nicolo".</summary>
    private static string Slug(string text)
    {
        var decomposed = Ascii.IsValid(text) ? text : text.Normalize(NormalizationForm.FormD);
        Span<char> buffer = decomposed.Length <= 256 ? stackalloc char[decomposed.Length] : new char[decomposed.Length];
        var n = 0;
        foreach (var c in decomposed)
        {
            if (char.IsAsciiLetterOrDigit(c)) buffer[n++] = char.ToLowerInvariant(c);
        }
        return new string(buffer[..n]);
    }
}
