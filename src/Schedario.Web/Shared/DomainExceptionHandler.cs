using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Schedario.Web.Shared;

/// <summary>Turns the services' exceptions into RFC 9457 problem details with the right status.</summary>
public sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails? details = exception switch
        {
            ValidationException v => new HttpValidationProblemDetails(v.Errors.ToDictionary())
                { Status = 400, Title = "Dati non validi" },
            NotFoundException n => new ProblemDetails { Status = 404, Title = "Non trovato", Detail = n.Message },
            AccessDeniedException f => new ProblemDetails { Status = 403, Title = "Operazione non consentita", Detail = f.Message },
            ConcurrencyException c => new ProblemDetails { Status = 409, Title = "Modifica concorrente", Detail = c.Message },
            ConflictException c => Conflict(c),
            RuleException r => new ProblemDetails { Status = 422, Title = "Regola non rispettata", Detail = r.Message, Extensions = { ["rule"] = r.Rule } },
            Registry.Import.FileTooLargeException f => new ProblemDetails { Status = 413, Title = "File troppo grande", Detail = f.Message },
            BadHttpRequestException b => new ProblemDetails { Status = b.StatusCode, Title = "Richiesta non valida", Detail = b.Message },
            _ => null,
        };
        if (details is null) return false;
        http.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }

    static ProblemDetails Conflict(ConflictException c)
    {
        var d = new ProblemDetails { Status = 409, Title = "Conflitto", Detail = c.Message };
        if (c.Field is not null) d.Extensions["errors"] = new Dictionary<string, string[]> { [c.Field] = [c.Message] };
        return d;
    }
}
