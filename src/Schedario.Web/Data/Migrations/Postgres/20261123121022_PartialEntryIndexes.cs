using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Schedario.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PartialEntryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_campaign_entries_CampaignId_State_CallbackUserId_NextCallAt",
                table: "campaign_entries");

            migrationBuilder.DropIndex(
                name: "IX_campaign_entries_LastOutcomeId",
                table: "campaign_entries");

            migrationBuilder.CreateIndex(
                name: "IX_campaign_entries_CampaignId_CallbackUserId_NextCallAt",
                table: "campaign_entries",
                columns: new[] { "CampaignId", "CallbackUserId", "NextCallAt" },
                filter: "\"State\" = 'Callback'");

            migrationBuilder.CreateIndex(
                name: "IX_campaign_entries_LastOutcomeId",
                table: "campaign_entries",
                column: "LastOutcomeId",
                filter: "\"LastOutcomeId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_campaign_entries_CampaignId_CallbackUserId_NextCallAt",
                table: "campaign_entries");

            migrationBuilder.DropIndex(
                name: "IX_campaign_entries_LastOutcomeId",
                table: "campaign_entries");

            migrationBuilder.CreateIndex(
                name: "IX_campaign_entries_CampaignId_State_CallbackUserId_NextCallAt",
                table: "campaign_entries",
                columns: new[] { "CampaignId", "State", "CallbackUserId", "NextCallAt" });

            migrationBuilder.CreateIndex(
                name: "IX_campaign_entries_LastOutcomeId",
                table: "campaign_entries",
                column: "LastOutcomeId");
        }
    }
}
