using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Schedario.Web.Campaigns;
using Schedario.Web.Shared;

namespace Schedario.Web.CallCenter.Telephony;

public sealed record SimulateInboundInput(string? Caller, string? Called);
public sealed record SimulatedCall(string CallId);
public sealed record WebhookAnswer(string Result);

public static class TelephonyApi
{
    /// <summary>Largest webhook body read (a PBX event is a few hundred bytes).</summary>
    public const int MaxWebhookBytes = 64 * 1024;

    /// <summary>
    /// The event processor (<see cref="ITelephonyEventSink"/>, scoped), the telephony log, the
    /// simulated PBX (always there: tests and the dialer's simulator use it) and the
    /// <see cref="ITelephonyGateway"/> that <c>Telephony:Provider</c> names: <c>simulated</c> (default)
    /// or <c>asterisk</c> (AMI, with its background connection).
    /// </summary>
    public static IServiceCollection AddTelephony(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TelephonyOptions>(configuration.GetSection(TelephonyOptions.Section));
        services.Configure<SimulatedPbxOptions>(configuration.GetSection(SimulatedPbxOptions.Section));
        services.Configure<AsteriskOptions>(configuration.GetSection(AsteriskOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TelephonyMetrics>();
        services.AddScoped<TelephonyEventProcessor>();
        services.AddScoped<ITelephonyEventSink>(sp => sp.GetRequiredService<TelephonyEventProcessor>());
        services.AddScoped<TelephonyLog>();
        services.AddSingleton<SimulatedPbx>();

        var options = new TelephonyOptions();
        configuration.GetSection(TelephonyOptions.Section).Bind(options);
        if (options.IsSimulated)
            services.AddSingleton<ITelephonyGateway>(sp => sp.GetRequiredService<SimulatedPbx>());
        else if (options.IsAsterisk)
        {
            services.AddSingleton<AsteriskAmiGateway>();
            services.AddSingleton<ITelephonyGateway>(sp => sp.GetRequiredService<AsteriskAmiGateway>());
            services.AddHostedService(sp => sp.GetRequiredService<AsteriskAmiGateway>());
        }
        else
            throw new InvalidOperationException($"Unknown Telephony:Provider '{options.Provider}'. Use simulated or asterisk.");
        return services;
    }

    public static RouteGroupBuilder MapTelephonyApi(this RouteGroupBuilder api)
    {
        var tel = api.MapGroup("/telephony").WithTags("Telephony");

        // Any PBX: the HMAC signature is the authentication, so no token is asked for.
        tel.MapPost("/events", ReceiveWebhookAsync).AllowAnonymous()
            .WithSummary("Generic CTI webhook: one call event, signed with HMAC-SHA256 (X-Schedario-Signature, X-Schedario-Timestamp)");

        var managers = tel.MapGroup("").RequireAuthorization(p => p.RequireRole(CampaignsApi.Managers));
        managers.MapPost("/simulate/inbound", SimulateInboundAsync)
            .WithSummary("Simulated PBX: make an inbound call ring (409 when the provider is not the simulator)");
        managers.MapGet("/calls", (TelephonyLog log, long? before, int? limit, string? state, string? number, CancellationToken ct) =>
            log.CallsAsync(before, limit ?? 50, state, number, ct)).WithSummary("The telephony log, newest first (keyset: before = the previous page's nextBefore)");
        managers.MapGet("/calls/{id:long}", (long id, TelephonyLog log, CancellationToken ct) => log.CallAsync(id, ct)).WithSummary("One call of the telephony log");
        managers.MapGet("/calls/{id:long}/events", (long id, TelephonyLog log, CancellationToken ct) => log.EventsAsync(id, ct))
            .WithSummary("Every event received for a call, with what became of it (applied, duplicate, outOfOrder, unknownCall)");
        return api;
    }

    static async Task<Results<Ok<SimulatedCall>, ProblemHttpResult>> SimulateInboundAsync(SimulateInboundInput input, ITelephonyGateway gateway, CancellationToken ct)
    {
        if (gateway is not SimulatedPbx sim)
            return Problems.Conflict($"Il centralino configurato è '{gateway.Source}', non il simulatore: le chiamate simulate non sono disponibili.");
        var id = await sim.SimulateInboundAsync(input.Caller ?? "", input.Called ?? "", ct);
        return TypedResults.Ok(new SimulatedCall(id));
    }

    static async Task<Results<Accepted<WebhookAnswer>, ProblemHttpResult, ValidationProblem>> ReceiveWebhookAsync(
        HttpRequest request, IOptions<TelephonyOptions> options, ITelephonyEventSink sink, TimeProvider clock, CancellationToken ct)
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.WebhookSecret))
            return TypedResults.Problem("Telephony:WebhookSecret non è impostato: il webhook non accetta eventi.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Webhook non configurato");

        var body = await ReadBodyAsync(request, ct);
        if (body is null) return Problems.TooLarge($"Il corpo supera {MaxWebhookBytes / 1024} KB.");
        var now = clock.GetUtcNow();
        var refused = TelephonyWebhook.Verify(o.WebhookSecret, request.Headers[TelephonyWebhook.TimestampHeader], request.Headers[TelephonyWebhook.SignatureHeader],
            body, now, o.WebhookToleranceSeconds);
        if (refused is not null) return Problems.Unauthorized(refused);

        TelephonyEvent e;
        try
        {
            e = TelephonyWebhook.Parse(body, now.UtcDateTime);
        }
        catch (ValidationException v)
        {
            return v.Errors.ToProblem();
        }
        var result = await sink.ReceiveAsync(e, ct);
        if (result == TelephonyEventResult.Invalid)
            return new FieldErrors().Add("body", "Evento non valido.").ToProblem();
        return TypedResults.Accepted((string?)null, new WebhookAnswer(TelephonyLog.Camel(result.ToString())));
    }

    /// <summary>The raw body (the signature covers its exact bytes); null when larger than the limit.</summary>
    static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxWebhookBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxWebhookBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
