using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Schedario.Web.Registry;

namespace Schedario.Web.CallCenter.Mail;

/// <summary>A mail template; subject and body take merge fields such as <c>{{nome}}</c>.</summary>
public sealed class MailTemplate
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public bool Active { get; set; } = true;
    public int Version { get; set; } = 1;
}

public enum MailStatus { Sent, Failed }

/// <summary>A mail sent to a record: logged as a contact, whether it went out or not.</summary>
public sealed class MailMessage
{
    public long Id { get; set; }
    public Guid CustomerId { get; set; }
    public long? InboundContactId { get; set; }
    public int? TemplateId { get; set; }
    public string To { get; set; } = "";
    /// <summary>Additional addresses in copy, comma separated.</summary>
    public string? Cc { get; set; }
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTime SentAt { get; set; }
    public string SentByUserId { get; set; } = "";
    public string SentByName { get; set; } = "";
    public MailStatus Status { get; set; }
    public string? Error { get; set; }
}

sealed class MailTemplateConfiguration : IEntityTypeConfiguration<MailTemplate>
{
    public void Configure(EntityTypeBuilder<MailTemplate> b)
    {
        b.ToTable("mail_templates");
        b.Property(t => t.Code).HasMaxLength(30);
        b.Property(t => t.Name).HasMaxLength(150);
        b.Property(t => t.Subject).HasMaxLength(300);
        b.Property(t => t.Body).HasMaxLength(20000);
        b.Property(t => t.Version).IsConcurrencyToken();
        b.HasIndex(t => t.Code).IsUnique();
        b.HasData(new MailTemplate
        {
            Id = 1, Code = "RICONTATTO", Name = "Riepilogo della telefonata",
            Subject = "{{agenzia}} - riepilogo della sua chiamata del {{data}}",
            Body = "Gentile {{nome}},\n\ngrazie per averci contattato. Come concordato al telefono, le inviamo questo riepilogo.\n\nPer qualsiasi necessità può rispondere a questa mail.\n\nCordiali saluti,\n{{operatore}}",
        });
    }
}

sealed class MailTemplatePostgresConfiguration : Data.IProviderModelConfiguration
{
    public void Configure(ModelBuilder builder, Data.DatabaseProvider provider)
    {
        if (provider == Data.DatabaseProvider.Postgres)
            builder.Entity<MailTemplate>().Property(t => t.Id).HasIdentityOptions(startValue: 1000);
    }
}

sealed class MailMessageConfiguration : IEntityTypeConfiguration<MailMessage>
{
    public void Configure(EntityTypeBuilder<MailMessage> b)
    {
        b.ToTable("mail_messages");
        b.Property(m => m.To).HasMaxLength(320);
        b.Property(m => m.Cc).HasMaxLength(4000);
        b.Property(m => m.Subject).HasMaxLength(300);
        b.Property(m => m.Body).HasMaxLength(20000);
        b.Property(m => m.SentByUserId).HasMaxLength(450);
        b.Property(m => m.SentByName).HasMaxLength(256);
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(8);
        b.Property(m => m.Error).HasMaxLength(1000);
        b.HasIndex(m => new { m.CustomerId, m.SentAt });
        b.HasIndex(m => m.InboundContactId);
        b.HasOne<Customer>().WithMany().HasForeignKey(m => m.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Inbound.InboundContact>().WithMany().HasForeignKey(m => m.InboundContactId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<MailTemplate>().WithMany().HasForeignKey(m => m.TemplateId).OnDelete(DeleteBehavior.SetNull);
    }
}

public static class MailDbExtensions
{
    public static DbSet<MailTemplate> MailTemplates(this DbContext db) => db.Set<MailTemplate>();
    public static DbSet<MailMessage> MailMessages(this DbContext db) => db.Set<MailMessage>();
}
