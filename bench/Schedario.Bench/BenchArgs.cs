using System.Globalization;

namespace Schedario.Bench;

/// <summary>"--name value" pairs and bare "--flag"s; nothing fancier is needed.</summary>
sealed class BenchArgs
{
    readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);

    public static BenchArgs Parse(IEnumerable<string> args)
    {
        var result = new BenchArgs();
        string? pending = null;
        foreach (var a in args)
        {
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null) result._values[pending] = null;
                pending = a[2..];
            }
            else if (pending is not null)
            {
                result._values[pending] = a;
                pending = null;
            }
            else throw new ArgumentException($"Unexpected argument '{a}'.");
        }
        if (pending is not null) result._values[pending] = null;
        return result;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public string Required(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required.");

    public long Long(string name, long? fallback = null) =>
        Get(name) is { } v ? long.Parse(v.Replace("_", ""), CultureInfo.InvariantCulture)
        : fallback ?? throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public BenchProvider Provider() => Required("provider").ToLowerInvariant() switch
    {
        "postgres" or "postgresql" => BenchProvider.Postgres,
        "sqlite" => BenchProvider.Sqlite,
        var p => throw new ArgumentException($"Unknown provider '{p}': postgres or sqlite."),
    };
}

enum BenchProvider { Postgres, Sqlite }
