using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Schedario.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CampaignHangUpAfter : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing campaigns get the product's default minimum ring (15 s), not 0 (never).
            migrationBuilder.AddColumn<int>(
                name: "HangUpAfterSeconds",
                table: "campaigns",
                type: "integer",
                nullable: false,
                defaultValue: 15);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "HangUpAfterSeconds",
                table: "campaigns");
        }
    }
}
