using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Schedario.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Dialer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DialerCampaignId",
                table: "operator_presence",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "AbandonAfterSeconds",
                table: "campaigns",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<double>(
                name: "AbandonLimitPercent",
                table: "campaigns",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<int>(
                name: "AbandonLockoutHours",
                table: "campaigns",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "AbandonMessage",
                table: "campaigns",
                type: "character varying(500)",
                maxLength: 500,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "AbandonWindow",
                table: "campaigns",
                type: "character varying(12)",
                maxLength: 12,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "DialMode",
                table: "campaigns",
                type: "character varying(12)",
                maxLength: 12,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "DialerActive",
                table: "campaigns",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "DialerStartedAt",
                table: "campaigns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DialerStartedBy",
                table: "campaigns",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "LinesPerOperator",
                table: "campaigns",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.CreateTable(
                name: "dialer_calls",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CampaignId = table.Column<int>(type: "integer", nullable: false),
                    EntryId = table.Column<long>(type: "bigint", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    State = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Result = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    ExternalCallId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    OperatorUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    NodeId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    PlacedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AnsweredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ConnectedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Cause = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dialer_calls", x => x.Id);
                    table.ForeignKey(
                        name: "FK_dialer_calls_campaign_entries_EntryId",
                        column: x => x.EntryId,
                        principalTable: "campaign_entries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_dialer_calls_campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "dialer_runner_states",
                columns: table => new
                {
                    CampaignId = table.Column<int>(type: "integer", nullable: false),
                    NodeId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    HeartbeatAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Hold = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    HoldMessage = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    DialLevel = table.Column<double>(type: "double precision", nullable: false),
                    Ringing = table.Column<int>(type: "integer", nullable: false),
                    Waiting = table.Column<int>(type: "integer", nullable: false),
                    Connected = table.Column<int>(type: "integer", nullable: false),
                    OperatorsReady = table.Column<int>(type: "integer", nullable: false),
                    OperatorsLoggedIn = table.Column<int>(type: "integer", nullable: false),
                    AbandonRateWindow = table.Column<double>(type: "double precision", nullable: false),
                    LearnedAnswerRate = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dialer_runner_states", x => x.CampaignId);
                    table.ForeignKey(
                        name: "FK_dialer_runner_states_campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "do_not_call",
                columns: table => new
                {
                    Number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Source = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    AddedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AddedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: true),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_do_not_call", x => new { x.Number, x.Source });
                });

            migrationBuilder.CreateTable(
                name: "opposition_register_checks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CheckedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ImportedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    FileName = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: true),
                    Lines = table.Column<int>(type: "integer", nullable: false),
                    Listed = table.Column<int>(type: "integer", nullable: false),
                    Added = table.Column<int>(type: "integer", nullable: false),
                    Removed = table.Column<int>(type: "integer", nullable: false),
                    Malformed = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_opposition_register_checks", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "outcomes",
                columns: new[] { "Id", "Active", "Adhesion", "Appointment", "Category", "Code", "ContactPromise", "Description", "NeedsCallbackTime", "NeedsNote", "PersonReached", "Position", "RetryDelayMinutes", "Shortcut" },
                values: new object[] { 11, true, false, false, "TechnicalRetry", "ABBANDONATA", false, "Chiamata abbandonata: nessun operatore libero (messaggio riprodotto)", false, false, true, 11, null, null });

            migrationBuilder.InsertData(
                table: "settings",
                columns: new[] { "Code", "Description", "Max", "Min", "Type", "UpdatedAt", "UpdatedBy", "Value" },
                values: new object[] { "RPODAYS", "Giorni massimi dall'ultimo controllo del Registro Pubblico delle Opposizioni: oltre, nessuna campagna può avviare la composizione automatica.", 60, 1, "Int", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "sistema", "15" });

            migrationBuilder.CreateIndex(
                name: "IX_operator_presence_DialerCampaignId_State_IdleSince",
                table: "operator_presence",
                columns: new[] { "DialerCampaignId", "State", "IdleSince" });

            migrationBuilder.CreateIndex(
                name: "IX_dialer_calls_CampaignId_AnsweredAt",
                table: "dialer_calls",
                columns: new[] { "CampaignId", "AnsweredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_dialer_calls_CampaignId_State",
                table: "dialer_calls",
                columns: new[] { "CampaignId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_dialer_calls_EntryId_in_flight",
                table: "dialer_calls",
                column: "EntryId",
                unique: true,
                filter: "\"State\" <> 'Ended'");

            migrationBuilder.CreateIndex(
                name: "IX_dialer_calls_Number_EndedAt",
                table: "dialer_calls",
                columns: new[] { "Number", "EndedAt" },
                filter: "\"Result\" = 'Abandoned'");

            migrationBuilder.CreateIndex(
                name: "IX_dialer_calls_Source_ExternalCallId",
                table: "dialer_calls",
                columns: new[] { "Source", "ExternalCallId" });

            migrationBuilder.CreateIndex(
                name: "IX_do_not_call_CustomerId",
                table: "do_not_call",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_opposition_register_checks_CheckedAt",
                table: "opposition_register_checks",
                column: "CheckedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dialer_calls");

            migrationBuilder.DropTable(
                name: "dialer_runner_states");

            migrationBuilder.DropTable(
                name: "do_not_call");

            migrationBuilder.DropTable(
                name: "opposition_register_checks");

            migrationBuilder.DropIndex(
                name: "IX_operator_presence_DialerCampaignId_State_IdleSince",
                table: "operator_presence");

            migrationBuilder.DeleteData(
                table: "outcomes",
                keyColumn: "Id",
                keyValue: 11);

            migrationBuilder.DeleteData(
                table: "settings",
                keyColumn: "Code",
                keyValue: "RPODAYS");

            migrationBuilder.DropColumn(
                name: "DialerCampaignId",
                table: "operator_presence");

            migrationBuilder.DropColumn(
                name: "AbandonAfterSeconds",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "AbandonLimitPercent",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "AbandonLockoutHours",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "AbandonMessage",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "AbandonWindow",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "DialMode",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "DialerActive",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "DialerStartedAt",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "DialerStartedBy",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "LinesPerOperator",
                table: "campaigns");
        }
    }
}
