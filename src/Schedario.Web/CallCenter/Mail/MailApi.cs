using Microsoft.AspNetCore.Http.HttpResults;
using Schedario.Web.Campaigns;

namespace Schedario.Web.CallCenter.Mail;

/// <summary>Mail templates, and mail sent to a record (To the main address, Cc every other).</summary>
public static class MailApi
{
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddScoped<MailTemplateService>();
        services.AddScoped<MailService>();
        return services;
    }

    public static RouteGroupBuilder MapMailApi(this RouteGroupBuilder api)
    {
        var templates = api.MapGroup("/mail-templates").WithTags("Mail");
        templates.MapGet("/", (MailTemplateService s, bool? includeInactive, CancellationToken ct) => s.ListAsync(includeInactive ?? true, ct))
            .RequireAuthorization(p => p.RequireRole(CampaignsApi.Callers))
            .WithSummary("Mail templates; subject and body take merge fields such as {{nome}}");
        var manage = templates.MapGroup("").RequireAuthorization(p => p.RequireRole(CampaignsApi.Managers));
        manage.MapPost("/", async (MailTemplateInput input, MailTemplateService s, CancellationToken ct) =>
        {
            var created = await s.CreateAsync(input, ct);
            return TypedResults.Created($"/api/v1/mail-templates/{created.Id}", created);
        }).WithSummary("Create a mail template (supervisors, administrators); 400 naming subject/body for an unknown merge field");
        manage.MapPut("/{id:int}", (int id, MailTemplateInput input, MailTemplateService s, CancellationToken ct) => s.UpdateAsync(id, input, ct))
            .WithSummary("Edit or deactivate a mail template; send the version you read (409 if it changed)");

        var records = api.MapGroup("/customers").WithTags("Mail");
        records.MapPost("/{id:guid}/mail", Send).RequireAuthorization(p => p.RequireRole(CampaignsApi.Callers))
            .WithSummary("Send a mail to the record: To its main address, Cc every other; 422 no-address, 502 when the SMTP server fails (logged as failed)");
        records.MapGet("/{id:guid}/mails", (Guid id, MailService s, CancellationToken ct) => s.ListForCustomerAsync(id, false, ct))
            .WithSummary("The record's mails, sent or failed, newest first");
        return api;
    }

    static async Task<Results<Created<MailMessageDto>, ProblemHttpResult>> Send(Guid id, MailSendInput input, MailService s, CancellationToken ct)
    {
        try
        {
            var sent = await s.SendToCustomerAsync(id, new MailRequest(input.TemplateId, input.Subject, input.Body), input.InboundContactId, ct);
            return TypedResults.Created($"/api/v1/customers/{id}/mails", sent);
        }
        catch (MailDeliveryException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "Invio non riuscito",
                extensions: new Dictionary<string, object?> { ["rule"] = "smtp-failed", ["mailId"] = e.Logged.Id });
        }
    }
}
