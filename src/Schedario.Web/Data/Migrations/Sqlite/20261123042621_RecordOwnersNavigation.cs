using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Schedario.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RecordOwnersNavigation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
