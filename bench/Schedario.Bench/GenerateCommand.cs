using System.Globalization;
using System.Text;
using Schedario.Web.Demo;
using Schedario.Web.Registry.Italy;

namespace Schedario.Bench;

/// <summary>
/// Writes a ';'-separated CSV of Italian records as a supplier would send it: ~5% of rows repeat an
/// earlier person under a new customer code (re-keyed, reformatted), ~1% are bad. Streams: one
/// row in memory at a time plus a bounded pool of earlier records to copy duplicates from.
/// </summary>
static class GenerateCommand
{
    public const int DefaultSeed = 20261101;
    const int DuplicatePerMille = 50, BadPerMille = 10, PoolSize = 20_000;

    static readonly string[] Headers =
    [
        "Codice cliente", "Cognome", "Nome", "Ragione sociale", "Forma giuridica", "Codice fiscale", "Partita IVA",
        "Indirizzo", "Civico", "CAP", "Comune", "Provincia", "Telefono", "Cellulare", "Email", "Stato",
        "Consenso telefono", "Consenso email",
    ];

    public sealed record Counts(long Rows, long Fresh, long Duplicates, long Bad);

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var rows = args.Long("rows");
        var path = args.Get("out") ?? DefaultPath(rows);
        var seed = args.Int("seed", DefaultSeed);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var counts = await WriteAsync(path, rows, seed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{path}: {counts.Rows:N0} rows ({counts.Fresh:N0} distinct, {counts.Duplicates:N0} duplicates, {counts.Bad:N0} bad), {new FileInfo(path).Length / 1048576.0:0.0} MiB in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
        return 0;
    }

    public static string DefaultPath(long rows) =>
        Path.Combine(BenchPaths.OutDirectory, $"registry-{rows}.csv");

    public static async Task<Counts> WriteAsync(string path, long rows, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var generator = new ItalianDataGenerator(seed);
        // Separate stream for the dirt, so the clean records are the generator's own sequence.
        var dice = new Random(seed ^ 0x5EED);
        var pool = new List<ItalianGeneratedRow>(PoolSize);
        long fresh = 0, duplicates = 0, bad = 0, index = 0;
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await writer.WriteLineAsync(string.Join(';', Headers));
        var fields = new string?[Headers.Length];
        for (long i = 0; i < rows; i++)
        {
            var roll = dice.Next(1000);
            if (roll < DuplicatePerMille && pool.Count > 0)
            {
                duplicates++;
                Duplicate(pool[dice.Next(pool.Count)], dice, ++index, fields);
            }
            else
            {
                var record = new ItalianGeneratedRow(generator.Next(++index));
                if (roll < DuplicatePerMille + BadPerMille)
                {
                    bad++;
                    record.Fill(fields);
                    Spoil(dice, fields);
                }
                else
                {
                    fresh++;
                    record.Fill(fields);
                    // Reservoir of earlier good rows: duplicates come from anywhere before, not just the last few.
                    if (pool.Count < PoolSize) pool.Add(record);
                    else if (dice.NextInt64(fresh) < PoolSize) pool[dice.Next(PoolSize)] = record;
                }
            }
            await WriteRowAsync(writer, fields);
        }
        return new Counts(rows, fresh, duplicates, bad);
    }

    /// <summary>The same person keyed again by another system: new code, same identity, sloppier typing.</summary>
    static void Duplicate(ItalianGeneratedRow original, Random dice, long index, string?[] f)
    {
        original.Fill(f);
        f[0] = "DUP-" + index.ToString("D7", CultureInfo.InvariantCulture);
        switch (dice.Next(4))
        {
            case 0: f[1] = f[1]?.ToUpperInvariant(); f[2] = f[2]?.ToUpperInvariant(); f[3] = f[3]?.ToUpperInvariant(); break;
            case 1: f[12] = Reformat(f[12], dice); f[13] = Reformat(f[13], dice); break;
            case 2: f[14] = f[14]?.ToUpperInvariant(); break;
            default: f[7] = f[7]?.ToUpperInvariant(); break;
        }
    }

    static string? Reformat(string? phone, Random dice)
    {
        if (phone is null) return null;
        var digits = new string(phone.Where(char.IsDigit).ToArray());
        if (phone.TrimStart().StartsWith('+') || phone.StartsWith("0039", StringComparison.Ordinal)) digits = digits[2..];
        return dice.Next(3) switch
        {
            0 => "+39" + digits,
            1 => "0039 " + digits,
            _ => digits,
        };
    }

    /// <summary>One of the four mistakes the import must refuse, each about as often.</summary>
    static void Spoil(Random dice, string?[] f)
    {
        var kind = dice.Next(4);
        if (kind == 0 && f[5] is { Length: 16 } cf)
        {
            var check = CodiceFiscale.ComputeCheckChar(cf[..15]);
            f[5] = cf[..15] + (char)('A' + (check - 'A' + 1 + dice.Next(25)) % 26);
        }
        else if (kind <= 1) f[13 - (f[13] is null ? 1 : 0)] = "12" + dice.Next(10);
        else if (kind == 2) f[14] = (f[14] ?? "mario.rossi@libero.it").Replace("@", "@@");
        else f[11] = "XX";
    }

    static async Task WriteRowAsync(StreamWriter writer, string?[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0) writer.Write(';');
            var v = fields[i];
            if (v is null) continue;
            if (v.AsSpan().IndexOfAny(";\"\n") >= 0) writer.Write("\"" + v.Replace("\"", "\"\"") + "\"");
            else writer.Write(v);
        }
        await writer.WriteLineAsync();
    }
}

/// <summary>A generated record as the columns of the file.</summary>
sealed class ItalianGeneratedRow(GeneratedCustomer c)
{
    public void Fill(string?[] f)
    {
        var company = c.Kind == GeneratedKind.Company;
        f[0] = c.ExternalId;
        // A company row carries no person name: that is how the import tells the two apart.
        f[1] = company ? null : c.LastName;
        f[2] = company ? null : c.FirstName;
        f[3] = c.CompanyName;
        f[4] = c.LegalForm;
        f[5] = c.TaxCode;
        f[6] = c.VatNumber;
        f[7] = c.Address.Street;
        f[8] = c.Address.HouseNumber;
        f[9] = c.Address.PostalCode;
        f[10] = c.Address.City;
        f[11] = c.Address.Province;
        f[12] = c.MainPhone;
        f[13] = c.MobilePhone;
        f[14] = c.Email;
        f[15] = c.Stage;
        f[16] = c.PhoneMarketingConsent ? "Sì" : "No";
        f[17] = c.EmailMarketingConsent ? "Sì" : "No";
    }
}

static class BenchPaths
{
    /// <summary>bench/out of the repository this binary was built from (ignored by git), whatever the working directory.</summary>
    public static string OutDirectory
    {
        get
        {
            var root = RepositoryRoot(AppContext.BaseDirectory) ?? RepositoryRoot(Directory.GetCurrentDirectory())
                ?? throw new InvalidOperationException("Run from the repository: Schedario.slnx not found above the binary or the working directory.");
            var path = Path.Combine(root, "bench", "out");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    static string? RepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Schedario.slnx"))) return dir.FullName;
        return null;
    }
}
