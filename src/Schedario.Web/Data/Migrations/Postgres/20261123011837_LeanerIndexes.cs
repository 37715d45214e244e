using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Schedario.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeanerIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_customers_MainEmail",
                table: "customers");

            migrationBuilder.DropIndex(
                name: "IX_customer_phones_ReferentId",
                table: "customer_phones");

            migrationBuilder.DropIndex(
                name: "IX_customer_emails_ReferentId",
                table: "customer_emails");

            migrationBuilder.CreateIndex(
                name: "IX_customer_phones_ReferentId",
                table: "customer_phones",
                column: "ReferentId",
                filter: "\"ReferentId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_customer_emails_ReferentId",
                table: "customer_emails",
                column: "ReferentId",
                filter: "\"ReferentId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_customer_phones_ReferentId",
                table: "customer_phones");

            migrationBuilder.DropIndex(
                name: "IX_customer_emails_ReferentId",
                table: "customer_emails");

            migrationBuilder.CreateIndex(
                name: "IX_customers_MainEmail",
                table: "customers",
                column: "MainEmail");

            migrationBuilder.CreateIndex(
                name: "IX_customer_phones_ReferentId",
                table: "customer_phones",
                column: "ReferentId");

            migrationBuilder.CreateIndex(
                name: "IX_customer_emails_ReferentId",
                table: "customer_emails",
                column: "ReferentId");
        }
    }
}
