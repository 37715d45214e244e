using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Schedario.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Campaigns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaign_types",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaign_types", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "outcomes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PersonReached = table.Column<bool>(type: "INTEGER", nullable: false),
                    Adhesion = table.Column<bool>(type: "INTEGER", nullable: false),
                    Appointment = table.Column<bool>(type: "INTEGER", nullable: false),
                    ContactPromise = table.Column<bool>(type: "INTEGER", nullable: false),
                    NeedsCallbackTime = table.Column<bool>(type: "INTEGER", nullable: false),
                    NeedsNote = table.Column<bool>(type: "INTEGER", nullable: false),
                    RetryDelayMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    Shortcut = table.Column<string>(type: "TEXT", maxLength: 1, nullable: true),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outcomes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "settings",
                columns: table => new
                {
                    Code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Min = table.Column<int>(type: "INTEGER", nullable: true),
                    Max = table.Column<int>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_settings", x => x.Code);
                });

            migrationBuilder.CreateTable(
                name: "campaigns",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 150, nullable: false),
                    TypeId = table.Column<int>(type: "INTEGER", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    StartDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    EndDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Retired = table.Column<bool>(type: "INTEGER", nullable: false),
                    PortfolioTypeId = table.Column<int>(type: "INTEGER", nullable: true),
                    AutoContactPromise = table.Column<bool>(type: "INTEGER", nullable: false),
                    CallingDays = table.Column<int>(type: "INTEGER", nullable: false),
                    CallFrom = table.Column<TimeOnly>(type: "TEXT", nullable: true),
                    CallTo = table.Column<TimeOnly>(type: "TEXT", nullable: true),
                    MaxAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    RetryToCallMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    RetryTechnicalMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_campaigns_campaign_types_TypeId",
                        column: x => x.TypeId,
                        principalTable: "campaign_types",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "campaign_entries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CampaignId = table.Column<int>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    LastOutcomeId = table.Column<int>(type: "INTEGER", nullable: true),
                    AssignedUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextCallAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CallbackUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false),
                    LeaseHolder = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClaimedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastCallAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaign_entries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_campaign_entries_campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_campaign_entries_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_campaign_entries_outcomes_LastOutcomeId",
                        column: x => x.LastOutcomeId,
                        principalTable: "outcomes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "campaign_operators",
                columns: table => new
                {
                    CampaignId = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaign_operators", x => new { x.CampaignId, x.UserId });
                    table.ForeignKey(
                        name: "FK_campaign_operators_campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "calls",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CampaignId = table.Column<int>(type: "INTEGER", nullable: false),
                    EntryId = table.Column<long>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OperatorUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    OperatorName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DurationSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    OutcomeId = table.Column<int>(type: "INTEGER", nullable: false),
                    OutcomeCode = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    PromiseCampaignId = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_calls", x => x.Id);
                    table.ForeignKey(
                        name: "FK_calls_campaign_entries_EntryId",
                        column: x => x.EntryId,
                        principalTable: "campaign_entries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_calls_outcomes_OutcomeId",
                        column: x => x.OutcomeId,
                        principalTable: "outcomes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "outcomes",
                columns: new[] { "Id", "Active", "Adhesion", "Appointment", "Category", "Code", "ContactPromise", "Description", "NeedsCallbackTime", "NeedsNote", "PersonReached", "Position", "RetryDelayMinutes", "Shortcut" },
                values: new object[,]
                {
                    { 1, true, true, false, "PositiveClosed", "ADESIONE", false, "Adesione / vendita", false, false, true, 1, null, "1" },
                    { 2, true, false, true, "PositiveClosed", "APPUNTAMENTO", false, "Appuntamento fissato", false, true, true, 2, null, "2" },
                    { 3, true, false, false, "PositiveClosed", "PROMESSA CONTATTO", true, "Promessa contatto: da richiamare in una campagna futura", false, false, true, 3, null, "3" },
                    { 4, true, false, false, "Callback", "RICHIAMARE", false, "Richiamare a data e ora concordate", true, false, true, 4, null, "4" },
                    { 5, true, false, false, "TechnicalRetry", "NON RISPONDE", false, "Non risponde", false, false, false, 5, 120, "5" },
                    { 6, true, false, false, "TechnicalRetry", "OCCUPATO", false, "Occupato", false, false, false, 6, 15, "6" },
                    { 7, true, false, false, "TechnicalRetry", "SEGRETERIA", false, "Segreteria telefonica", false, false, false, 7, 240, "7" },
                    { 8, true, false, false, "NegativeClosed", "NON INTERESSATO", false, "Non interessato", false, false, true, 8, null, "8" },
                    { 9, true, false, false, "Unworkable", "NUMERO ERRATO", false, "Numero errato o inesistente", false, false, false, 9, null, "9" },
                    { 10, true, false, false, "DoNotCall", "NON CHIAMARE", false, "Non desidera essere chiamato (registro opposizioni)", false, true, true, 10, null, "0" }
                });

            migrationBuilder.InsertData(
                table: "settings",
                columns: new[] { "Code", "Description", "Max", "Min", "Type", "UpdatedAt", "UpdatedBy", "Value" },
                values: new object[,]
                {
                    { "CC0028", "Numero di campagne future mostrate per la promessa contatto (0 = promessa contatto non utilizzabile).", 100, 0, "Int", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "sistema", "5" },
                    { "CI0036", "In chiusura della chiamata inbound mostra la situazione outbound del chiamante.", null, null, "Bool", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "sistema", "false" },
                    { "LASTCONTACTS", "Numero di ultimi contatti mostrati nelle schermate di chiamata.", 50, 0, "Int", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "sistema", "3" }
                });

            migrationBuilder.CreateIndex(
                name: "IX_calls_CampaignId_OperatorUserId",
                table: "calls",
                columns: new[] { "CampaignId", "OperatorUserId" });

            migrationBuilder.CreateIndex(
                name: "IX_calls_CustomerId_StartedAt",
                table: "calls",
                columns: new[] { "CustomerId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_calls_EntryId",
                table: "calls",
                column: "EntryId");

            migrationBuilder.CreateIndex(
                name: "IX_calls_OutcomeId",
                table: "calls",
                column: "OutcomeId");

            migrationBuilder.CreateIndex(
                name: "IX_campaign_entries_CampaignId_CustomerId",
                table: "campaign_entries",
                columns: new[] { "CampaignId", "CustomerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaign_entries_CampaignId_State_AssignedUserId_Priority_Id",
                table: "campaign_entries",
                columns: new[] { "CampaignId", "State", "AssignedUserId", "Priority", "Id" },
                descending: new[] { false, false, false, true, false });

            migrationBuilder.CreateIndex(
                name: "IX_campaign_entries_CampaignId_State_CallbackUserId_NextCallAt",
                table: "campaign_entries",
                columns: new[] { "CampaignId", "State", "CallbackUserId", "NextCallAt" });

            migrationBuilder.CreateIndex(
                name: "IX_campaign_entries_CustomerId",
                table: "campaign_entries",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_campaign_entries_LastOutcomeId",
                table: "campaign_entries",
                column: "LastOutcomeId");

            migrationBuilder.CreateIndex(
                name: "IX_campaign_entries_LeaseHolder_CampaignId",
                table: "campaign_entries",
                columns: new[] { "LeaseHolder", "CampaignId" },
                filter: "\"LeaseHolder\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_campaign_types_Code",
                table: "campaign_types",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Code",
                table: "campaigns",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_TypeId_Retired_StartDate",
                table: "campaigns",
                columns: new[] { "TypeId", "Retired", "StartDate" });

            migrationBuilder.CreateIndex(
                name: "IX_outcomes_Code",
                table: "outcomes",
                column: "Code",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "calls");

            migrationBuilder.DropTable(
                name: "campaign_operators");

            migrationBuilder.DropTable(
                name: "settings");

            migrationBuilder.DropTable(
                name: "campaign_entries");

            migrationBuilder.DropTable(
                name: "campaigns");

            migrationBuilder.DropTable(
                name: "outcomes");

            migrationBuilder.DropTable(
                name: "campaign_types");
        }
    }
}
