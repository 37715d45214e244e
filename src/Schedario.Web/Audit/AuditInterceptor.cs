using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Schedario.Web.Registry;

namespace Schedario.Web.Audit;

/// <summary>
/// Records every change to a registry record and to the rows that belong to it (phones, e-mails,
/// addresses, consents, characteristics, owners…) as audit entries saved in the same SaveChanges:
/// one "create" per new record, one "update" per changed field with its old and new value, one
/// "delete" per removal. Set-based writes (imports, bulk assignment) bypass the change tracker and
/// write one summary entry of their own.
/// </summary>
public sealed class AuditInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    /// <summary>Derived or bookkeeping columns: recording them would only repeat the real change.</summary>
    static readonly HashSet<string> Skipped =
        [nameof(Customer.Version), nameof(Customer.UpdatedAt), nameof(Customer.UpdatedBy), nameof(Customer.SearchName),
         nameof(Customer.SearchNameAlt), nameof(Customer.DisplayName), nameof(Customer.CreatedAt), nameof(Customer.CreatedBy)];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Record(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Record(eventData.Context);
        return ValueTask.FromResult(result);
    }

    static readonly AsyncLocal<bool> suppress = new();

    /// <summary>Skips the field-by-field trail for one save (GDPR erasure writes its own single entry).</summary>
    public static bool Suppress
    {
        get => suppress.Value;
        set => suppress.Value = value;
    }

    void Record(DbContext? db)
    {
        if (db is null || Suppress) return;
        db.ChangeTracker.DetectChanges();
        var entries = new List<AuditEntry>();
        foreach (var e in db.ChangeTracker.Entries().ToList())
        {
            if (e.Entity is Customer c) RecordCustomer(e, c, entries);
            else if (IsPartOfRecord(e) && e.State is EntityState.Added or EntityState.Deleted or EntityState.Modified)
                RecordChild(e, entries);
        }
        DropUnchangedRows(entries);
        if (entries.Count > 0) db.AddRange(entries);
    }

    /// <summary>
    /// Saving a record rewrites its lists (phones, e-mails…): a row removed and an identical row added
    /// is no change, and is not recorded.
    /// </summary>
    static void DropUnchangedRows(List<AuditEntry> entries)
    {
        var added = entries.Where(e => e.OldValue is null && e.NewValue is not null && e.Field is not null && !e.Field.Contains('.')).ToList();
        foreach (var add in added)
        {
            var removed = entries.FirstOrDefault(e => e.CustomerId == add.CustomerId && e.Field == add.Field && e.NewValue is null && e.OldValue == add.NewValue);
            if (removed is null) continue;
            entries.Remove(removed);
            entries.Remove(add);
        }
    }

    /// <summary>The registry's own sections of a record and its owners; campaign rows log their calls instead.</summary>
    static bool IsPartOfRecord(EntityEntry e) =>
        e.Metadata.FindProperty("CustomerId") is { ClrType: var t } && t == typeof(Guid)
        && (e.Metadata.ClrType.Namespace == typeof(Customer).Namespace || e.Metadata.ClrType == typeof(Organization.CustomerOwner));

    void RecordCustomer(EntityEntry e, Customer c, List<AuditEntry> into)
    {
        switch (e.State)
        {
            case EntityState.Added:
                into.Add(Entry(AuditActions.Create, c.Id, null, null, null, c.DisplayName));
                break;
            case EntityState.Deleted:
                into.Add(Entry(AuditActions.Delete, c.Id, null, null, null, c.DisplayName));
                break;
            case EntityState.Modified:
                foreach (var p in e.Properties.Where(p => p.IsModified && !Skipped.Contains(p.Metadata.Name)))
                {
                    var (before, after) = (Text(p.OriginalValue), Text(p.CurrentValue));
                    if (before == after) continue;
                    if (p.Metadata.Name == nameof(Customer.IsDeleted))
                        into.Add(Entry(c.IsDeleted ? AuditActions.Delete : AuditActions.Update, c.Id, null, null, null, c.DisplayName));
                    else
                        into.Add(Entry(AuditActions.Update, c.Id, Camel(p.Metadata.Name), before, after, null));
                }
                break;
        }
    }

    void RecordChild(EntityEntry e, List<AuditEntry> into)
    {
        var customerId = (Guid)e.Property("CustomerId").CurrentValue!;
        var table = e.Metadata.GetTableName() ?? e.Metadata.ClrType.Name;
        var section = table.StartsWith("customer_") ? table["customer_".Length..] : table;
        switch (e.State)
        {
            case EntityState.Added:
                into.Add(Entry(AuditActions.Update, customerId, section, null, Describe(e, current: true), null));
                break;
            case EntityState.Deleted:
                into.Add(Entry(AuditActions.Update, customerId, section, Describe(e, current: false), null, null));
                break;
            case EntityState.Modified:
                foreach (var p in e.Properties.Where(p => p.IsModified && !p.Metadata.IsKey() && !p.Metadata.IsForeignKey()))
                {
                    var (before, after) = (Text(p.OriginalValue), Text(p.CurrentValue));
                    if (before != after) into.Add(Entry(AuditActions.Update, customerId, $"{section}.{Camel(p.Metadata.Name)}", before, after, null));
                }
                // A changed foreign key (e.g. an owner's subject) is the change itself.
                foreach (var p in e.Properties.Where(p => p.IsModified && p.Metadata.IsForeignKey() && p.Metadata.Name != "CustomerId"))
                {
                    var (before, after) = (Text(p.OriginalValue), Text(p.CurrentValue));
                    if (before != after) into.Add(Entry(AuditActions.Update, customerId, $"{section}.{Camel(p.Metadata.Name)}", before, after, null));
                }
                break;
        }
    }

    /// <summary>A row in a few words: its non-key values ("Mobile +393331234567").</summary>
    static string Describe(EntityEntry e, bool current) =>
        string.Join(" ", e.Properties
            .Where(p => !p.Metadata.IsPrimaryKey() && p.Metadata.Name is not "CustomerId" and not "Position")
            .Select(p => Text(current ? p.CurrentValue : p.OriginalValue))
            .Where(v => !string.IsNullOrEmpty(v)));

    AuditEntry Entry(string action, Guid customerId, string? field, string? before, string? after, string? details) =>
        AuditLog.Create(clock, action, "customer", customerId.ToString(), customerId, field, before, after, details);

    static string? Text(object? value) => value switch
    {
        null => null,
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
