using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Schedario.Web.Registry;

namespace Schedario.Web.CallCenter.Inbound;

/// <summary>An inbound service: the number customers call, its portfolio type and the operators who answer it.</summary>
public sealed class InboundService
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>The called number (E.164) that leads to this service.</summary>
    public string Number { get; set; } = "";
    /// <summary>Whose owner the phone bar and the screen show (seed 003: "tipo portafoglio indicato in campagna").</summary>
    public int? PortfolioTypeId { get; set; }
    /// <summary>N of last contacts shown: N inbound plus N outbound.</summary>
    public int LastContacts { get; set; } = 3;
    public bool Active { get; set; } = true;
    public int Version { get; set; } = 1;
    public List<InboundServiceOperator> Operators { get; set; } = [];
}

public sealed class InboundServiceOperator
{
    public int ServiceId { get; set; }
    public string UserId { get; set; } = "";
}

/// <summary>The administrator's tables for closing an inbound call (seed 003: stato, azione, gruppo, gruppo dettaglio).</summary>
public enum InboundCodeKind { Outcome, Action, Group, GroupDetail }

public sealed class InboundCode
{
    public int Id { get; set; }
    public InboundCodeKind Kind { get; set; }
    public string Code { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>A group detail belongs to one group.</summary>
    public int? GroupId { get; set; }
    /// <summary>For outcomes: closing with it resolves the request; otherwise the request stays pending.</summary>
    public bool Resolves { get; set; } = true;
    public bool Active { get; set; } = true;
    public int Position { get; set; }
}

/// <summary>Open while the call is on; then pending (something asked for is still to do) or resolved.</summary>
public enum InboundContactStatus { Open, Pending, Resolved }

/// <summary>One inbound call as the operator worked it: the inbound log.</summary>
public sealed class InboundContact
{
    public long Id { get; set; }
    public long? TelephonyCallId { get; set; }
    public int? ServiceId { get; set; }
    public Guid? CustomerId { get; set; }
    public string? CallerNumber { get; set; }
    public string OperatorUserId { get; set; } = "";
    public string OperatorName { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public int? DurationSeconds { get; set; }
    public InboundContactStatus Status { get; set; }
    public int? OutcomeId { get; set; }
    public int? ActionId { get; set; }
    public int? GroupId { get; set; }
    public int? GroupDetailId { get; set; }
    /// <summary>"Dati anagrafici generici": the caller's name as given on the call.</summary>
    public string? ContactName { get; set; }
    public bool? Consent { get; set; }
    public IdentityDocumentType? DocumentType { get; set; }
    public string? DocumentNumber { get; set; }
    public string? Notes { get; set; }
    public DateTime? ClosedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public string? ResolvedBy { get; set; }
    public int Version { get; set; } = 1;
}

/// <summary>A follow-up on a pending request, until one resolves it.</summary>
public sealed class InboundFollowUp
{
    public long Id { get; set; }
    public long ContactId { get; set; }
    public DateTime At { get; set; }
    public string UserId { get; set; } = "";
    public string UserName { get; set; } = "";
    public string Note { get; set; } = "";
    public bool Resolved { get; set; }
}

sealed class InboundServiceConfiguration : IEntityTypeConfiguration<InboundService>
{
    public void Configure(EntityTypeBuilder<InboundService> b)
    {
        b.ToTable("inbound_services");
        b.Property(s => s.Code).HasMaxLength(30);
        b.Property(s => s.Name).HasMaxLength(150);
        b.Property(s => s.Number).HasMaxLength(20);
        b.Property(s => s.Version).IsConcurrencyToken();
        b.HasIndex(s => s.Code).IsUnique();
        b.HasIndex(s => s.Number).IsUnique();
        b.HasOne<Organization.PortfolioType>().WithMany().HasForeignKey(s => s.PortfolioTypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(s => s.Operators).WithOne().HasForeignKey(o => o.ServiceId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class InboundServiceOperatorConfiguration : IEntityTypeConfiguration<InboundServiceOperator>
{
    public void Configure(EntityTypeBuilder<InboundServiceOperator> b)
    {
        b.ToTable("inbound_service_operators");
        b.HasKey(o => new { o.ServiceId, o.UserId });
        b.Property(o => o.UserId).HasMaxLength(450);
        b.HasIndex(o => o.UserId);
    }
}

sealed class InboundCodeConfiguration : IEntityTypeConfiguration<InboundCode>
{
    public void Configure(EntityTypeBuilder<InboundCode> b)
    {
        b.ToTable("inbound_codes");
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(12);
        b.Property(c => c.Code).HasMaxLength(30);
        b.Property(c => c.Description).HasMaxLength(200);
        b.HasIndex(c => new { c.Kind, c.Code }).IsUnique();
        b.HasOne<InboundCode>().WithMany().HasForeignKey(c => c.GroupId).OnDelete(DeleteBehavior.Restrict);
        var i = 0;
        InboundCode C(InboundCodeKind kind, string code, string description, int? group = null, bool resolves = true) =>
            new() { Id = ++i, Position = i, Kind = kind, Code = code, Description = description, GroupId = group, Resolves = resolves };
        b.HasData(
            C(InboundCodeKind.Outcome, "OK", "Richiesta evasa"),
            C(InboundCodeKind.Outcome, "RICHIAMO", "Da richiamare", resolves: false),
            C(InboundCodeKind.Outcome, "VENDITA", "Vendita / adesione"),
            C(InboundCodeKind.Outcome, "INOLTRATA", "Inoltrata al back office", resolves: false),
            C(InboundCodeKind.Action, "NESSUNA", "Nessuna azione"),
            C(InboundCodeKind.Action, "RICHIAMARE", "Richiamare il cliente"),
            C(InboundCodeKind.Action, "INVIARE DOC", "Inviare documentazione"),
            C(InboundCodeKind.Action, "APPUNTAMENTO", "Fissare un appuntamento"),
            C(InboundCodeKind.Group, "INFO", "Richiesta informazioni"),
            C(InboundCodeKind.Group, "RECLAMO", "Reclamo"),
            C(InboundCodeKind.Group, "AMMINISTR", "Amministrativo"),
            C(InboundCodeKind.GroupDetail, "INFO-PRODOTTO", "Informazioni su prodotto o offerta", group: 9),
            C(InboundCodeKind.GroupDetail, "INFO-CONTRATTO", "Informazioni sul contratto", group: 9),
            C(InboundCodeKind.GroupDetail, "RECL-SERVIZIO", "Disservizio", group: 10),
            C(InboundCodeKind.GroupDetail, "RECL-OPERATORE", "Comportamento di un operatore", group: 10),
            C(InboundCodeKind.GroupDetail, "AMM-FATTURA", "Fattura o pagamento", group: 11),
            C(InboundCodeKind.GroupDetail, "AMM-DATI", "Variazione dati anagrafici", group: 11));
    }
}

/// <summary>Seeded ids are 1–17; on PostgreSQL later codes start past them (SQLite does this by itself).</summary>
sealed class InboundCodePostgresConfiguration : Data.IProviderModelConfiguration
{
    public void Configure(ModelBuilder builder, Data.DatabaseProvider provider)
    {
        if (provider == Data.DatabaseProvider.Postgres)
            builder.Entity<InboundCode>().Property(c => c.Id).HasIdentityOptions(startValue: 1000);
    }
}

sealed class InboundContactConfiguration : IEntityTypeConfiguration<InboundContact>
{
    public void Configure(EntityTypeBuilder<InboundContact> b)
    {
        b.ToTable("inbound_contacts");
        b.Property(c => c.CallerNumber).HasMaxLength(40);
        b.Property(c => c.OperatorUserId).HasMaxLength(450);
        b.Property(c => c.OperatorName).HasMaxLength(256);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.ContactName).HasMaxLength(200);
        b.Property(c => c.DocumentType).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.DocumentNumber).HasMaxLength(40);
        b.Property(c => c.Notes).HasMaxLength(4000);
        b.Property(c => c.ResolvedBy).HasMaxLength(256);
        b.Property(c => c.Version).IsConcurrencyToken();
        // The screen's "last N inbound contacts" of a record.
        b.HasIndex(c => new { c.CustomerId, c.StartedAt });
        // The inbound log: pending and resolved requests, newest first.
        b.HasIndex(c => new { c.Status, c.StartedAt });
        b.HasIndex(c => c.TelephonyCallId).IsUnique();
        b.HasIndex(c => c.OperatorUserId);
        b.HasOne<InboundService>().WithMany().HasForeignKey(c => c.ServiceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<InboundCode>().WithMany().HasForeignKey(c => c.OutcomeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<InboundCode>().WithMany().HasForeignKey(c => c.ActionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<InboundCode>().WithMany().HasForeignKey(c => c.GroupId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<InboundCode>().WithMany().HasForeignKey(c => c.GroupDetailId).OnDelete(DeleteBehavior.Restrict);
    }
}

sealed class InboundFollowUpConfiguration : IEntityTypeConfiguration<InboundFollowUp>
{
    public void Configure(EntityTypeBuilder<InboundFollowUp> b)
    {
        b.ToTable("inbound_follow_ups");
        b.Property(f => f.UserId).HasMaxLength(450);
        b.Property(f => f.UserName).HasMaxLength(256);
        b.Property(f => f.Note).HasMaxLength(2000);
        b.HasIndex(f => f.ContactId);
        b.HasOne<InboundContact>().WithMany().HasForeignKey(f => f.ContactId).OnDelete(DeleteBehavior.Cascade);
    }
}

public static class InboundDbExtensions
{
    public static DbSet<InboundService> InboundServices(this DbContext db) => db.Set<InboundService>();
    public static DbSet<InboundCode> InboundCodes(this DbContext db) => db.Set<InboundCode>();
    public static DbSet<InboundContact> InboundContacts(this DbContext db) => db.Set<InboundContact>();
    public static DbSet<InboundFollowUp> InboundFollowUps(this DbContext db) => db.Set<InboundFollowUp>();
}
