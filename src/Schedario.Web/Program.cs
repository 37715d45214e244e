using System.Globalization;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;
using Schedario.Web.Access;
using Schedario.Web.CallCenter;
using Schedario.Web.CallCenter.Compliance;
using Schedario.Web.CallCenter.Inbound.Admin;
using Schedario.Web.CallCenter.Mail;
using Schedario.Web.Campaigns;
using Schedario.Web.CallCenter.Telephony;
using Schedario.Web.CallCenter.Wallboard;
using Schedario.Web.Components;
using Schedario.Web.Data;
using Schedario.Web.Demo;
using Schedario.Web.Identity;
using Schedario.Web.Registry;
using Schedario.Web.Registry.Import;
using Schedario.Web.Registry.Dedup;
using Schedario.Web.Registry.Gdpr;
using Schedario.Web.Organization;
using Schedario.Web.Shared;

var builder = WebApplication.CreateBuilder(args);
var startup = StartupOptions.Read(builder.Configuration, builder.Environment);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSchedarioData(builder.Configuration, builder.Environment);
builder.Services.AddSchedarioIdentity(builder.Configuration);
builder.Services.AddRegistry();
builder.Services.AddRegistryImport(builder.Configuration);
builder.Services.AddDemoData();
builder.Services.AddCampaigns();
builder.Services.AddRecordAccess();
builder.Services.AddOrganization();
builder.Services.AddTelephony(builder.Configuration);
builder.Services.AddCallCenter(builder.Configuration);
builder.Services.AddInboundAdmin();
builder.Services.AddMail();
builder.Services.AddWallboard();
builder.Services.AddCompliance();

builder.Services.AddLoginRateLimit(builder.Configuration);
// Our own X-Frame-Options: DENY covers every response; antiforgery would add a second one.
builder.Services.AddAntiforgery(o => o.SuppressXFrameOptionsHeader = true);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<DomainExceptionHandler>();
builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
{
    doc.Info.Title = "Schedario API";
    doc.Info.Description = "REST API of Schedario, the call-center CRM. Get a token at POST /api/v1/auth/token and send it as `Authorization: Bearer`.";
    return Task.CompletedTask;
}));
builder.Services.AddLocalization();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddOpenTelemetry().WithMetrics(m => m
    .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.EntityFrameworkCore", "Schedario")
    .AddPrometheusExporter());

var app = builder.Build();

await app.Services.InitializeDatabaseAsync(startup);

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestLocalization(new RequestLocalizationOptions()
    .SetDefaultCulture("it-IT")
    .AddSupportedCultures("it-IT", "en-US")
    .AddSupportedUICultures("it-IT", "en-US"));
app.UseRateLimiter();
app.UseAuthentication();
app.UseRecordAccess();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapHealthChecks("/health").AllowAnonymous();
app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(Policies.Administrator);
app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
app.MapScalarApiReference("/api-docs", o => o.WithTitle("Schedario API").WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();

var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.Api);
api.MapAuthApi();
api.MapRegistryApi();
api.MapImportApi();
api.MapDuplicatesApi();
api.MapCampaignsApi();
api.MapUsersApi();
api.MapOrganizationApi();
api.MapAccessApi();
api.MapGdprApi();
api.MapTelephonyApi();
api.MapCallCenterApi();
api.MapInboundAdminApi();
api.MapMailApi();
api.MapWallboardApi();
api.MapComplianceApi();

app.MapAccountEndpoints();
app.MapImportDownloads();
app.MapGdprDownloads();
app.MapCallCenterHubs();
// Our Content-Security-Policy already says frame-ancestors 'none'; Blazor would send a second one.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);

app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var url in app.Urls) app.Logger.LogInformation("Schedario is running: open {Url}", url);
});

app.Run();

public partial class Program;
