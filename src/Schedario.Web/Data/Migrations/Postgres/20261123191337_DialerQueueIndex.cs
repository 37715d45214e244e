using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Schedario.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DialerQueueIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_campaign_entries_dialer_queue",
                table: "campaign_entries",
                columns: new[] { "CampaignId", "Priority", "Id" },
                descending: new[] { false, true, false },
                filter: "\"State\" = 'ToCall'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_campaign_entries_dialer_queue",
                table: "campaign_entries");
        }
    }
}
