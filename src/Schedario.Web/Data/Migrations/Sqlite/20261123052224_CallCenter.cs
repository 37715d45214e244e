using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Schedario.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CallCenter : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inbound_codes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    GroupId = table.Column<int>(type: "INTEGER", nullable: true),
                    Resolves = table.Column<bool>(type: "INTEGER", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbound_codes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_inbound_codes_inbound_codes_GroupId",
                        column: x => x.GroupId,
                        principalTable: "inbound_codes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "inbound_services",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 150, nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PortfolioTypeId = table.Column<int>(type: "INTEGER", nullable: true),
                    LastContacts = table.Column<int>(type: "INTEGER", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbound_services", x => x.Id);
                    table.ForeignKey(
                        name: "FK_inbound_services_portfolio_types_PortfolioTypeId",
                        column: x => x.PortfolioTypeId,
                        principalTable: "portfolio_types",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "mail_templates",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 150, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mail_templates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "operator_presence",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    PauseReason = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    Extension = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    StateSince = table.Column<DateTime>(type: "TEXT", nullable: false),
                    IdleSince = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CurrentCallId = table.Column<long>(type: "INTEGER", nullable: true),
                    BarOpenUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    NodeId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_operator_presence", x => x.UserId);
                });

            migrationBuilder.CreateTable(
                name: "telephony_calls",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    CallerNumber = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    CalledNumber = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Extension = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    OperatorUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    ServiceId = table.Column<int>(type: "INTEGER", nullable: true),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CampaignEntryId = table.Column<long>(type: "INTEGER", nullable: true),
                    RingAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AnsweredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DurationSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    Cause = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    RecordingRef = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_telephony_calls", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "telephony_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Result = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    CallId = table.Column<long>(type: "INTEGER", nullable: true),
                    Payload = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_telephony_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inbound_contacts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TelephonyCallId = table.Column<long>(type: "INTEGER", nullable: true),
                    ServiceId = table.Column<int>(type: "INTEGER", nullable: true),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CallerNumber = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    OperatorUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    OperatorName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DurationSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    OutcomeId = table.Column<int>(type: "INTEGER", nullable: true),
                    ActionId = table.Column<int>(type: "INTEGER", nullable: true),
                    GroupId = table.Column<int>(type: "INTEGER", nullable: true),
                    GroupDetailId = table.Column<int>(type: "INTEGER", nullable: true),
                    ContactName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Consent = table.Column<bool>(type: "INTEGER", nullable: true),
                    DocumentType = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    DocumentNumber = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ClosedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ResolvedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbound_contacts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_inbound_contacts_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_inbound_contacts_inbound_codes_ActionId",
                        column: x => x.ActionId,
                        principalTable: "inbound_codes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_inbound_contacts_inbound_codes_GroupDetailId",
                        column: x => x.GroupDetailId,
                        principalTable: "inbound_codes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_inbound_contacts_inbound_codes_GroupId",
                        column: x => x.GroupId,
                        principalTable: "inbound_codes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_inbound_contacts_inbound_codes_OutcomeId",
                        column: x => x.OutcomeId,
                        principalTable: "inbound_codes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_inbound_contacts_inbound_services_ServiceId",
                        column: x => x.ServiceId,
                        principalTable: "inbound_services",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "inbound_service_operators",
                columns: table => new
                {
                    ServiceId = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbound_service_operators", x => new { x.ServiceId, x.UserId });
                    table.ForeignKey(
                        name: "FK_inbound_service_operators_inbound_services_ServiceId",
                        column: x => x.ServiceId,
                        principalTable: "inbound_services",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "inbound_follow_ups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ContactId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Resolved = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbound_follow_ups", x => x.Id);
                    table.ForeignKey(
                        name: "FK_inbound_follow_ups_inbound_contacts_ContactId",
                        column: x => x.ContactId,
                        principalTable: "inbound_contacts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "mail_messages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InboundContactId = table.Column<long>(type: "INTEGER", nullable: true),
                    TemplateId = table.Column<int>(type: "INTEGER", nullable: true),
                    To = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Cc = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SentByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    SentByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mail_messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_mail_messages_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_mail_messages_inbound_contacts_InboundContactId",
                        column: x => x.InboundContactId,
                        principalTable: "inbound_contacts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_mail_messages_mail_templates_TemplateId",
                        column: x => x.TemplateId,
                        principalTable: "mail_templates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.InsertData(
                table: "inbound_codes",
                columns: new[] { "Id", "Active", "Code", "Description", "GroupId", "Kind", "Position", "Resolves" },
                values: new object[,]
                {
                    { 1, true, "OK", "Richiesta evasa", null, "Outcome", 1, true },
                    { 2, true, "RICHIAMO", "Da richiamare", null, "Outcome", 2, false },
                    { 3, true, "VENDITA", "Vendita / adesione", null, "Outcome", 3, true },
                    { 4, true, "INOLTRATA", "Inoltrata al back office", null, "Outcome", 4, false },
                    { 5, true, "NESSUNA", "Nessuna azione", null, "Action", 5, true },
                    { 6, true, "RICHIAMARE", "Richiamare il cliente", null, "Action", 6, true },
                    { 7, true, "INVIARE DOC", "Inviare documentazione", null, "Action", 7, true },
                    { 8, true, "APPUNTAMENTO", "Fissare un appuntamento", null, "Action", 8, true },
                    { 9, true, "INFO", "Richiesta informazioni", null, "Group", 9, true },
                    { 10, true, "RECLAMO", "Reclamo", null, "Group", 10, true },
                    { 11, true, "AMMINISTR", "Amministrativo", null, "Group", 11, true }
                });

            migrationBuilder.InsertData(
                table: "mail_templates",
                columns: new[] { "Id", "Active", "Body", "Code", "Name", "Subject", "Version" },
                values: new object[] { 1, true, "Gentile {{nome}},\n\ngrazie per averci contattato. Come concordato al telefono, le inviamo questo riepilogo.\n\nPer qualsiasi necessità può rispondere a questa mail.\n\nCordiali saluti,\n{{operatore}}", "RICONTATTO", "Riepilogo della telefonata", "{{agenzia}} - riepilogo della sua chiamata del {{data}}", 1 });

            migrationBuilder.InsertData(
                table: "settings",
                columns: new[] { "Code", "Description", "Max", "Min", "Type", "UpdatedAt", "UpdatedBy", "Value" },
                values: new object[,]
                {
                    { "CI0040", "Secondi in cui una chiamata inbound offerta a un operatore attende la risposta prima di passare al successivo.", 120, 5, "Int", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "sistema", "20" },
                    { "MAILFROM", "Indirizzo mittente delle mail.", null, null, "Text", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "sistema", "noreply@schedario.local" },
                    { "MAILFROMNAME", "Nome del mittente delle mail (campo {{agenzia}} dei modelli).", null, null, "Text", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "sistema", "Schedario" },
                    { "SMTPHOST", "Server SMTP per l'invio delle mail (la password è nella configurazione, Mail:Password).", null, null, "Text", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "sistema", "localhost" },
                    { "SMTPPORT", "Porta del server SMTP.", 65535, 1, "Int", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "sistema", "25" },
                    { "SMTPSECURITY", "Sicurezza della connessione SMTP: none, starttls o ssl.", null, null, "Text", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "sistema", "none" },
                    { "SMTPUSER", "Utente SMTP (vuoto = nessuna autenticazione).", null, null, "Text", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "sistema", "" }
                });

            migrationBuilder.InsertData(
                table: "inbound_codes",
                columns: new[] { "Id", "Active", "Code", "Description", "GroupId", "Kind", "Position", "Resolves" },
                values: new object[,]
                {
                    { 12, true, "INFO-PRODOTTO", "Informazioni su prodotto o offerta", 9, "GroupDetail", 12, true },
                    { 13, true, "INFO-CONTRATTO", "Informazioni sul contratto", 9, "GroupDetail", 13, true },
                    { 14, true, "RECL-SERVIZIO", "Disservizio", 10, "GroupDetail", 14, true },
                    { 15, true, "RECL-OPERATORE", "Comportamento di un operatore", 10, "GroupDetail", 15, true },
                    { 16, true, "AMM-FATTURA", "Fattura o pagamento", 11, "GroupDetail", 16, true },
                    { 17, true, "AMM-DATI", "Variazione dati anagrafici", 11, "GroupDetail", 17, true }
                });

            migrationBuilder.CreateIndex(
                name: "IX_inbound_codes_GroupId",
                table: "inbound_codes",
                column: "GroupId");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_codes_Kind_Code",
                table: "inbound_codes",
                columns: new[] { "Kind", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_inbound_contacts_ActionId",
                table: "inbound_contacts",
                column: "ActionId");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_contacts_CustomerId_StartedAt",
                table: "inbound_contacts",
                columns: new[] { "CustomerId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_inbound_contacts_GroupDetailId",
                table: "inbound_contacts",
                column: "GroupDetailId");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_contacts_GroupId",
                table: "inbound_contacts",
                column: "GroupId");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_contacts_OperatorUserId",
                table: "inbound_contacts",
                column: "OperatorUserId");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_contacts_OutcomeId",
                table: "inbound_contacts",
                column: "OutcomeId");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_contacts_ServiceId",
                table: "inbound_contacts",
                column: "ServiceId");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_contacts_Status_StartedAt",
                table: "inbound_contacts",
                columns: new[] { "Status", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_inbound_contacts_TelephonyCallId",
                table: "inbound_contacts",
                column: "TelephonyCallId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_inbound_follow_ups_ContactId",
                table: "inbound_follow_ups",
                column: "ContactId");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_service_operators_UserId",
                table: "inbound_service_operators",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_services_Code",
                table: "inbound_services",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_inbound_services_Number",
                table: "inbound_services",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_inbound_services_PortfolioTypeId",
                table: "inbound_services",
                column: "PortfolioTypeId");

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_CustomerId_SentAt",
                table: "mail_messages",
                columns: new[] { "CustomerId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_InboundContactId",
                table: "mail_messages",
                column: "InboundContactId");

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_TemplateId",
                table: "mail_messages",
                column: "TemplateId");

            migrationBuilder.CreateIndex(
                name: "IX_mail_templates_Code",
                table: "mail_templates",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_operator_presence_Extension",
                table: "operator_presence",
                column: "Extension");

            migrationBuilder.CreateIndex(
                name: "IX_operator_presence_State_IdleSince",
                table: "operator_presence",
                columns: new[] { "State", "IdleSince" });

            migrationBuilder.CreateIndex(
                name: "IX_telephony_calls_CustomerId",
                table: "telephony_calls",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_telephony_calls_OperatorUserId",
                table: "telephony_calls",
                column: "OperatorUserId");

            migrationBuilder.CreateIndex(
                name: "IX_telephony_calls_Source_ExternalId",
                table: "telephony_calls",
                columns: new[] { "Source", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_telephony_calls_State_RingAt",
                table: "telephony_calls",
                columns: new[] { "State", "RingAt" });

            migrationBuilder.CreateIndex(
                name: "IX_telephony_events_ReceivedAt",
                table: "telephony_events",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_telephony_events_Source_ExternalId",
                table: "telephony_events",
                columns: new[] { "Source", "ExternalId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inbound_follow_ups");

            migrationBuilder.DropTable(
                name: "inbound_service_operators");

            migrationBuilder.DropTable(
                name: "mail_messages");

            migrationBuilder.DropTable(
                name: "operator_presence");

            migrationBuilder.DropTable(
                name: "telephony_calls");

            migrationBuilder.DropTable(
                name: "telephony_events");

            migrationBuilder.DropTable(
                name: "inbound_contacts");

            migrationBuilder.DropTable(
                name: "mail_templates");

            migrationBuilder.DropTable(
                name: "inbound_codes");

            migrationBuilder.DropTable(
                name: "inbound_services");

            migrationBuilder.DeleteData(
                table: "settings",
                keyColumn: "Code",
                keyValue: "CI0040");

            migrationBuilder.DeleteData(
                table: "settings",
                keyColumn: "Code",
                keyValue: "MAILFROM");

            migrationBuilder.DeleteData(
                table: "settings",
                keyColumn: "Code",
                keyValue: "MAILFROMNAME");

            migrationBuilder.DeleteData(
                table: "settings",
                keyColumn: "Code",
                keyValue: "SMTPHOST");

            migrationBuilder.DeleteData(
                table: "settings",
                keyColumn: "Code",
                keyValue: "SMTPPORT");

            migrationBuilder.DeleteData(
                table: "settings",
                keyColumn: "Code",
                keyValue: "SMTPSECURITY");

            migrationBuilder.DeleteData(
                table: "settings",
                keyColumn: "Code",
                keyValue: "SMTPUSER");
        }
    }
}
