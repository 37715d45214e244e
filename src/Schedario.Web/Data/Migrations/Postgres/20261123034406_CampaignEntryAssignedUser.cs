using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Schedario.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CampaignEntryAssignedUser : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_campaign_entries_AssignedUserId",
                table: "campaign_entries",
                column: "AssignedUserId",
                filter: "\"AssignedUserId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_campaign_entries_AssignedUserId",
                table: "campaign_entries");
        }
    }
}
