using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Schedario.Web.Registry.Import;

public enum ImportMode { Insert, Update, Upsert }
public enum ImportStatus { Queued, Running, Completed, Failed, Reverted }

/// <summary>One uploaded file being (or having been) imported into the registry.</summary>
public sealed class ImportJob
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string FileName { get; set; } = "";
    /// <summary>Where the upload was streamed to; the worker reads it from there.</summary>
    public string StoredPath { get; set; } = "";
    public ImportMode Mode { get; set; }
    public ImportStatus Status { get; set; }
    /// <summary>Column of the file → registry field (see <see cref="ImportFields"/>), as JSON.</summary>
    public string MappingJson { get; set; } = "{}";
    public long FileBytes { get; set; }
    /// <summary>Data rows in the file, counted when the run starts (0 while unknown): the progress bar's 100%.</summary>
    public int TotalRows { get; set; }
    public int ProcessedRows { get; set; }
    public int Inserted { get; set; }
    public int Updated { get; set; }
    /// <summary>Rows not written because they duplicate a record already in the registry (or earlier in the file).</summary>
    public int Duplicates { get; set; }
    /// <summary>Rows refused by validation.</summary>
    public int Failed { get; set; }
    /// <summary>Rows with an external id that matched nothing, in update-only mode.</summary>
    public int Unmatched { get; set; }
    public string? Error { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}

/// <summary>A row the import did not write, and why: the downloadable error report.</summary>
public sealed class ImportRowError
{
    public long Id { get; set; }
    public Guid ImportId { get; set; }
    public int RowNumber { get; set; }
    public string Field { get; set; } = "";
    public string Message { get; set; } = "";
    /// <summary>The row's original values, joined with ';', so the user can fix and re-import it.</summary>
    public string RawRow { get; set; } = "";
}

/// <summary>A saved column mapping, so a supplier's monthly file maps in one click.</summary>
public sealed class ImportTemplate
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string MappingJson { get; set; } = "{}";
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> b)
    {
        b.ToTable("import_jobs");
        b.Property(x => x.FileName).HasMaxLength(260);
        b.Property(x => x.StoredPath).HasMaxLength(500);
        b.Property(x => x.Mode).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.CreatedBy).HasMaxLength(100);
        b.Property(x => x.Error).HasMaxLength(2000);
        b.HasIndex(x => x.CreatedAt);
    }
}

sealed class ImportRowErrorConfiguration : IEntityTypeConfiguration<ImportRowError>
{
    public void Configure(EntityTypeBuilder<ImportRowError> b)
    {
        b.ToTable("import_row_errors");
        b.Property(x => x.Field).HasMaxLength(100);
        b.Property(x => x.Message).HasMaxLength(500);
        b.HasIndex(x => new { x.ImportId, x.RowNumber });
        b.HasOne<ImportJob>().WithMany().HasForeignKey(x => x.ImportId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class ImportTemplateConfiguration : IEntityTypeConfiguration<ImportTemplate>
{
    public void Configure(EntityTypeBuilder<ImportTemplate> b)
    {
        b.ToTable("import_templates");
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.CreatedBy).HasMaxLength(100);
        b.HasIndex(x => x.Name).IsUnique();
    }
}
