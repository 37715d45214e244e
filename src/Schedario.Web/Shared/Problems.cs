using Microsoft.AspNetCore.Http.HttpResults;

namespace Schedario.Web.Shared;

/// <summary>Field errors collected at the edge, answered as RFC 9457 problem details naming each field.</summary>
public sealed class FieldErrors
{
    // Made on the first error: most inputs have none (an import validates a million).
    Dictionary<string, List<string>>? _dictionary;
    Dictionary<string, List<string>> Map => _dictionary ??= new(StringComparer.Ordinal);

    public bool Any => _dictionary is { Count: > 0 };
    public IReadOnlyDictionary<string, List<string>> All => (IReadOnlyDictionary<string, List<string>>?)_dictionary ?? Empty;
    static readonly Dictionary<string, List<string>> Empty = new();

    public FieldErrors Add(string field, string message)
    {
        if (!Map.TryGetValue(field, out var list)) Map[field] = list = [];
        list.Add(message);
        return this;
    }

    public void AddRange(FieldErrors other)
    {
        foreach (var (field, messages) in other.All)
            foreach (var m in messages) Add(field, m);
    }

    public Dictionary<string, string[]> ToDictionary() => All.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    public ValidationProblem ToProblem(string title = "Dati non validi") =>
        TypedResults.ValidationProblem(ToDictionary(), title: title);

    public override string ToString() => string.Join("; ", All.Select(kv => $"{kv.Key}: {string.Join(", ", kv.Value)}"));
}

public static class Problems
{
    public static ProblemHttpResult NotFound(string detail = "Risorsa non trovata.") =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Non trovato");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflitto");

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Non autorizzato");

    public static ProblemHttpResult RuleBroken(string detail, string? rule = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Regola non rispettata",
            extensions: rule is null ? null : new Dictionary<string, object?> { ["rule"] = rule });

    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "File troppo grande");
}

/// <summary>Thrown by services when input breaks a validation rule; endpoints turn it into a 400.</summary>
public sealed class ValidationException(FieldErrors errors) : Exception(errors.ToString())
{
    public FieldErrors Errors { get; } = errors;
}

/// <summary>Thrown when a record changed since the caller read it (optimistic concurrency).</summary>
public sealed class ConcurrencyException(string message) : Exception(message);

/// <summary>The user may see the record but not do this to it (edit, delete, export, mass update).</summary>
public sealed class AccessDeniedException(string message) : Exception(message);

public sealed class NotFoundException(string message = "Risorsa non trovata.") : Exception(message);

/// <summary>Duplicate of something unique (409).</summary>
public sealed class ConflictException(string message, string? field = null) : Exception(message)
{
    public string? Field { get; } = field;
}

/// <summary>A business rule refused the request (422), naming the rule.</summary>
public sealed class RuleException(string message, string rule) : Exception(message)
{
    public string Rule { get; } = rule;
}
