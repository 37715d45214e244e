using System.Diagnostics;
using System.Threading.Channels;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Data;

namespace Schedario.Web.Registry.Import;

/// <summary>
/// Runs one import: streams the file in batches, normalises and validates every row through
/// <see cref="CustomerWriter"/>, matches by external id (update) or finds duplicates by normalised
/// tax code, phone and e-mail (skip), writes the new records in bulk, and keeps the job's progress
/// and the per-row errors up to date. A batch commits as a whole; a re-run of the same file finds
/// its rows by external id, so it updates and never duplicates.
/// </summary>
public sealed class ImportRunner(SchedarioDb db, IServiceScopeFactory scopes, ImportOptions options, TimeProvider clock, ILogger<ImportRunner> log)
{
    public const int BatchSize = 5_000;
    /// <summary>Batches being prepared ahead of the one being matched: enough to keep both cores busy, few enough to bound memory.</summary>
    const int PreparedAhead = 2;
    const int MaxErrorsStored = 100_000;

    public async Task RunAsync(Guid jobId, CancellationToken ct)
    {
        var job = await db.Set<ImportJob>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct);
        if (job is null || job.Status is ImportStatus.Completed or ImportStatus.Reverted) return;
        var watch = Stopwatch.StartNew();
        var counters = new Counters();
        var stages = new StageClock();
        await SetAsync(jobId, s => s.SetProperty(j => j.Status, ImportStatus.Running).SetProperty(j => j.StartedAt, clock.GetUtcNow().UtcDateTime), ct);
        BulkLoad? bulk = null;
        try
        {
            var mapping = JsonSerializer.Deserialize<Dictionary<string, string>>(job.MappingJson) ?? [];
            var file = ImportFile.Open(job.StoredPath, job.FileName);
            var total = file.CountRows();
            await SetAsync(jobId, s => s.SetProperty(j => j.TotalRows, total), ct);
            var fieldOfColumn = file.Headers.Select(h => mapping.TryGetValue(h, out var f) && ImportFields.Keys.Contains(f) ? f : null).ToArray();
            // Read before a bulk load locks the tables that refer to them.
            var subjects = await ImportSubjects.LoadAsync(db, ct);
            // The writers' contexts are made before anything runs: the first may carry a bulk load's transaction.
            var writerScopes = new List<AsyncServiceScope> { scopes.CreateAsyncScope() };
            try
            {
                if (db.Provider == DatabaseProvider.Postgres && options.BulkLoadMinRows > 0 && total >= options.BulkLoadMinRows)
                {
                    var begin = StageClock.Now();
                    bulk = await BulkLoad.TryBeginAsync(writerScopes[0].ServiceProvider.GetRequiredService<SchedarioDb>(),
                        TimeSpan.FromSeconds(options.BulkLoadLockTimeoutSeconds), log, ct);
                    stages.Add("bulk.begin", begin);
                    if (bulk is not null)
                        log.LogInformation("Import {Job}: bulk load into the empty registry, {Indexes} indexes and {Keys} foreign keys built at the end",
                            jobId, bulk.Deferred.Indexes, bulk.Deferred.ForeignKeys);
                }
                // Two COPY streams on PostgreSQL keep both of the server's cores busy, where one backend
                // would use one. SQLite has one writer anyway, and so has a bulk load (its transaction
                // holds the tables); its progress goes through a connection of its own, or the bar
                // would not move until the end.
                var writerCount = db.Provider == DatabaseProvider.Postgres && bulk is null ? 2 : 1;
                while (writerScopes.Count < writerCount + (bulk is null ? 0 : 1)) writerScopes.Add(scopes.CreateAsyncScope());
                var contexts = writerScopes.Select(w => w.ServiceProvider.GetRequiredService<SchedarioDb>()).ToList();
                await RunStagesAsync(job, file, total, fieldOfColumn, subjects, contexts.Take(writerCount).ToList(), bulk is null ? null : contexts[^1], counters, stages, ct);
                if (bulk is not null)
                {
                    await bulk.CommitAsync(ct, stages);
                }
            }
            finally
            {
                // Not committed: the bulk load rolls back, its dropped indexes and keys included.
                if (bulk is not null) await bulk.DisposeAsync();
                foreach (var scope in writerScopes) await scope.DisposeAsync();
            }
            await SetProgressAsync(db, job.Id, counters, ct);
            await SetAsync(jobId, s => s.SetProperty(j => j.Status, ImportStatus.Completed).SetProperty(j => j.FinishedAt, clock.GetUtcNow().UtcDateTime), ct);
            log.LogInformation("Import {Job}: {Rows} rows in {Seconds:0.0} s ({Inserted} new, {Updated} updated, {Duplicates} duplicates, {Failed} refused); stages: {Stages}",
                jobId, counters.Processed, watch.Elapsed.TotalSeconds, counters.Inserted, counters.Updated, counters.Duplicates, counters.Failed, stages);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Import {Job} failed", jobId);
            var message = ex.Message;
            if (bulk is { Committed: false })
            {
                // The whole load rolled back: say so, and do not show counts of rows that are not there.
                message = "Nulla è stato importato (caricamento annullato per intero): " + message;
                await SetAsync(jobId, s => s.SetProperty(j => j.ProcessedRows, 0).SetProperty(j => j.Inserted, 0).SetProperty(j => j.Updated, 0)
                    .SetProperty(j => j.Duplicates, 0).SetProperty(j => j.Failed, 0).SetProperty(j => j.Unmatched, 0), CancellationToken.None);
            }
            if (message.Length > 1900) message = message[..1900];
            await SetAsync(jobId, s => s.SetProperty(j => j.Status, ImportStatus.Failed).SetProperty(j => j.Error, message)
                .SetProperty(j => j.FinishedAt, clock.GetUtcNow().UtcDateTime), CancellationToken.None);
        }
    }

    /// <summary>
    /// Reads, prepares, plans and writes every batch. <paramref name="bulkProgress"/> is set when
    /// the one target carries a bulk load: no lookups (the registry was empty and is locked), no
    /// transaction per batch, progress through that other context.
    /// </summary>
    async Task RunStagesAsync(ImportJob job, ImportFile file, int total, string?[] fieldOfColumn, ImportSubjects subjects, List<SchedarioDb> targets, SchedarioDb? bulkProgress,
        Counters counters, StageClock stages, CancellationToken ct)
    {
        // The reader hands each batch to a task of its own that normalises and validates it (the
        // heaviest CPU work, so batches are prepared side by side); this task takes them back in
        // file order, matches them, and passes them to the writers.
        var seen = new SeenKeys(Math.Min(total, 10_000_000));
        var prepared = Channel.CreateBounded<Task<PreparedBatch>>(new BoundedChannelOptions(PreparedAhead) { SingleReader = true, SingleWriter = true });
        // One token stops every stage when any of them fails, so none is left waiting on a channel.
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                var batch = new List<(int Row, string?[] Values)>(BatchSize);
                async Task HandOverAsync()
                {
                    var rows = batch;
                    var ready = Task.Run(() =>
                    {
                        var t = StageClock.Now();
                        var result = Prepare(job, fieldOfColumn, subjects, rows);
                        stages.Add("prepare", t);
                        return result;
                    }, failure.Token);
                    var wait = StageClock.Now();
                    await prepared.Writer.WriteAsync(ready, failure.Token);
                    stages.Add("prepare.wait", wait);
                }
                var read = StageClock.Now();
                foreach (var row in file.Rows())
                {
                    failure.Token.ThrowIfCancellationRequested();
                    batch.Add(row);
                    if (batch.Count < BatchSize) continue;
                    stages.Add("read", read);
                    await HandOverAsync();
                    batch = new List<(int Row, string?[] Values)>(BatchSize);
                    read = StageClock.Now();
                }
                stages.Add("read", read);
                if (batch.Count > 0) await HandOverAsync();
                prepared.Writer.Complete();
            }
            catch (Exception ex)
            {
                prepared.Writer.Complete(ex);
                failure.Cancel();
            }
        }, ct);
        // The matching (lookups, duplicate sets) runs in file order on this task; the writes go
        // to writers with their own connections.
        var work = Channel.CreateBounded<WriteWork>(new BoundedChannelOptions(2) { SingleWriter = true });
        var writers = targets.Select(target => Task.Run(async () =>
        {
            try
            {
                var t = StageClock.Now();
                await foreach (var item in work.Reader.ReadAllAsync(failure.Token))
                {
                    stages.Add("write.wait", t);
                    await CommitAsync(target, bulkProgress ?? target, inBulk: bulkProgress is not null, job, item, counters, stages, failure.Token);
                    t = StageClock.Now();
                }
            }
            catch
            {
                failure.Cancel();
                throw;
            }
        }, ct)).ToList();
        var errors = new List<Exception>();
        try
        {
            var t = StageClock.Now();
            await foreach (var next in prepared.Reader.ReadAllAsync(failure.Token))
            {
                var batch = await next;
                stages.Add("plan.wait", t);
                var planned = await PlanAsync(job, batch, seen, counters, stages, lookUp: bulkProgress is null, failure.Token);
                t = StageClock.Now();
                await work.Writer.WriteAsync(planned, failure.Token);
                stages.Add("plan.handoff", t);
                t = StageClock.Now();
            }
        }
        catch (Exception ex)
        {
            errors.Add(ex);
            failure.Cancel();
        }
        work.Writer.TryComplete();
        foreach (var stage in writers.Append(producer).Append(prepared.Reader.Completion))
        {
            try { await stage; }
            catch (Exception ex) { errors.Add(ex); }
        }
        // Report the stage that really failed, not the ones it cancelled.
        if ((errors.FirstOrDefault(e => e is not OperationCanceledException and not ChannelClosedException)
             ?? errors.FirstOrDefault(e => e is not OperationCanceledException)) is { } cause)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
    }

    Task<int> SetAsync(Guid id, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<ImportJob>> set, CancellationToken ct) =>
        db.Set<ImportJob>().Where(j => j.Id == id).ExecuteUpdateAsync(set, ct);

    sealed class Counters
    {
        public int Processed, Inserted, Updated, Duplicates, Failed, Unmatched, ErrorsStored;
    }

    /// <summary>Tax codes, phones and e-mails already written by this import: duplicates inside the file.</summary>
    /// <remarks>
    /// Sized for the file up front: grown by doubling, a million keys means a score of large-object
    /// reallocations, each a full (gen 2) collection of a heap that holds these very sets.
    /// </remarks>
    sealed class SeenKeys(int rows)
    {
        public readonly HashSet<string> TaxCodes = new(rows, StringComparer.Ordinal);
        public readonly HashSet<string> Phones = new(rows + rows / 2, StringComparer.Ordinal);
        public readonly HashSet<string> Emails = new(rows, StringComparer.Ordinal);
        public readonly HashSet<string> ExternalIds = new(rows, StringComparer.Ordinal);
    }

    sealed record Candidate(int Row, string?[] Raw, CustomerInput Input, Customer Customer);

    /// <summary>A batch read, normalised and validated, waiting to be matched and written.</summary>
    sealed record PreparedBatch(int Rows, int Failed, List<Candidate> Candidates, List<ImportRowError> Errors);

    /// <summary>The CPU half of a batch: no database, so it runs beside the writer.</summary>
    PreparedBatch Prepare(ImportJob job, string?[] fieldOfColumn, ImportSubjects subjects, List<(int Row, string?[] Values)> batch)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var errors = new List<ImportRowError>();
        var failed = 0;
        var candidates = new List<Candidate>(batch.Count);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var hasSubjects = fieldOfColumn.Any(f => f is "agency" or "owner" or "referrer");
        List<(string Field, string Message)>? subjectErrors = null;
        foreach (var (row, raw) in batch)
        {
            values.Clear();
            for (var i = 0; i < fieldOfColumn.Length; i++)
                if (fieldOfColumn[i] is { } field) values[field] = raw[i];
            var input = ImportFields.ToInput(values, now);
            var problems = CustomerWriter.Validate(input);
            if (problems.Any)
            {
                failed++;
                foreach (var (field, messages) in problems.All)
                    errors.Add(Error(job.Id, row, field, string.Join(" ", messages), raw));
                continue;
            }
            var customer = new Customer { CreatedByImportId = job.Id };
            CustomerWriter.Apply(input, customer, job.CreatedBy, now);
            if (subjectErrors is not null) subjectErrors.Clear();
            if (hasSubjects && !subjects.Apply(key => values.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null, customer, subjectErrors ??= []))
            {
                failed++;
                foreach (var (field, message) in subjectErrors) errors.Add(Error(job.Id, row, field, message, raw));
                continue;
            }
            candidates.Add(new Candidate(row, raw, input, customer));
        }
        return new PreparedBatch(batch.Count, failed, candidates, errors);
    }

    /// <summary>What one batch will write, decided in file order.</summary>
    sealed record WriteWork(int Rows, List<Candidate> Inserts, List<(Candidate Candidate, Guid Id)> Updates, List<ImportRowError> Errors);

    /// <summary>Match by external id and drop duplicates (against the registry and earlier rows of the file).</summary>
    /// <param name="lookUp">False when the registry was empty when the import began and nobody else can write to it (a bulk load): only the file itself can hold a match.</param>
    async Task<WriteWork> PlanAsync(ImportJob job, PreparedBatch batch, SeenKeys seen, Counters counters, StageClock stages, bool lookUp, CancellationToken ct)
    {
        var errors = batch.Errors;
        var candidates = batch.Candidates;
        counters.Failed += batch.Failed;

        // Rows whose external id is already in the registry are updates (or skipped in insert mode).
        var t = StageClock.Now();
        var externalIds = candidates.Select(c => c.Customer.ExternalId).OfType<string>().ToList();
        var existing = externalIds.Count == 0 || !lookUp ? [] : await db.Set<Customer>().AsNoTracking()
            .Where(c => c.ExternalId != null && externalIds.Contains(c.ExternalId))
            .Select(c => new { c.Id, c.ExternalId }).ToDictionaryAsync(c => c.ExternalId!, c => c.Id, ct);
        stages.Add("plan.externalIds", t);
        var updates = new List<(Candidate, Guid)>();
        var inserts = new List<Candidate>();
        foreach (var c in candidates)
        {
            var ext = c.Customer.ExternalId;
            // An id seen earlier in the file (in any batch) is a repeat, never a second write.
            if (ext is not null && !seen.ExternalIds.Add(ext))
            {
                counters.Duplicates++;
                errors.Add(Error(job.Id, c.Row, "externalId", $"Codice esterno '{ext}' ripetuto nel file.", c.Raw));
            }
            else if (ext is not null && existing.TryGetValue(ext, out var id))
            {
                if (job.Mode == ImportMode.Insert)
                {
                    counters.Duplicates++;
                    errors.Add(Error(job.Id, c.Row, "externalId", $"Codice esterno '{ext}' già presente in anagrafica.", c.Raw));
                }
                else updates.Add((c, id));
            }
            else if (job.Mode == ImportMode.Update)
            {
                counters.Unmatched++;
                errors.Add(Error(job.Id, c.Row, "externalId", ext is null ? "Manca il codice esterno: in aggiornamento serve per trovare l'anagrafica." : $"Nessuna anagrafica con codice esterno '{ext}'.", c.Raw));
            }
            else inserts.Add(c);
        }

        t = StageClock.Now();
        inserts = await DropDuplicatesAsync(job, inserts, seen, errors, counters, lookUp, ct);
        stages.Add("plan.duplicates", t);
        return new WriteWork(batch.Rows, inserts, updates, errors);
    }

    /// <summary>Writes one planned batch on the writer's own context, in one transaction, and counts it.</summary>
    /// <param name="inBulk">The target's connection carries a bulk load's transaction: no transaction per batch.</param>
    async Task CommitAsync(SchedarioDb target, SchedarioDb progressDb, bool inBulk, ImportJob job, WriteWork work, Counters counters, StageClock stages, CancellationToken ct)
    {
        List<ImportRowError> toStore;
        lock (counters)
        {
            toStore = work.Errors.Take(Math.Max(0, MaxErrorsStored - counters.ErrorsStored)).ToList();
            counters.ErrorsStored += toStore.Count;
        }
        await using var tx = inBulk ? null : await target.Database.BeginTransactionAsync(ct);
        await BulkWriter.InsertAsync(target, work.Inserts.Select(c => c.Customer).ToList(), ct, stages);
        var t = StageClock.Now();
        if (work.Updates.Count > 0) await UpdateAsync(target, work.Updates, job.CreatedBy, clock.GetUtcNow().UtcDateTime, ct);
        stages.Add("write.updates", t);
        t = StageClock.Now();
        await BulkWriter.InsertRowsAsync(target, toStore, ct);
        stages.Add("write.errors", t);
        t = StageClock.Now();
        if (tx is not null) await tx.CommitAsync(ct);
        stages.Add("write.commit", t);
        lock (counters)
        {
            counters.Inserted += work.Inserts.Count;
            counters.Updated += work.Updates.Count;
            counters.Processed += work.Rows;
        }
        t = StageClock.Now();
        await SetProgressAsync(progressDb, job.Id, counters, ct);
        stages.Add("write.progress", t);
    }

    static Task<int> SetProgressAsync(SchedarioDb target, Guid jobId, Counters counters, CancellationToken ct)
    {
        int processed, inserted, updated, duplicates, failed, unmatched;
        lock (counters)
            (processed, inserted, updated, duplicates, failed, unmatched) =
                (counters.Processed, counters.Inserted, counters.Updated, counters.Duplicates, counters.Failed, counters.Unmatched);
        return target.Set<ImportJob>().Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.ProcessedRows, processed).SetProperty(j => j.Inserted, inserted)
            .SetProperty(j => j.Updated, updated).SetProperty(j => j.Duplicates, duplicates)
            .SetProperty(j => j.Failed, failed).SetProperty(j => j.Unmatched, unmatched), ct);
    }

    /// <summary>New rows that share a tax code, phone or e-mail with a record (or an earlier row) are duplicates.</summary>
    async Task<List<Candidate>> DropDuplicatesAsync(ImportJob job, List<Candidate> inserts, SeenKeys seen, List<ImportRowError> errors, Counters counters, bool lookUp, CancellationToken ct)
    {
        if (inserts.Count == 0) return inserts;
        if (!lookUp) return DropDuplicates(job, inserts, seen, errors, counters, [], [], []);
        var taxCodes = inserts.Select(c => c.Customer.TaxCode).OfType<string>().Distinct().ToList();
        var phones = inserts.SelectMany(c => c.Customer.Phones.Select(p => p.E164)).Distinct().ToList();
        var emails = inserts.SelectMany(c => c.Customer.Emails.Select(e => e.Address)).Distinct().ToList();
        var knownTax = taxCodes.Count == 0 ? [] : (await db.Set<Customer>().Where(c => c.TaxCode != null && taxCodes.Contains(c.TaxCode)).Select(c => c.TaxCode!).ToListAsync(ct)).ToHashSet();
        var knownPhones = phones.Count == 0 ? [] : (await db.Set<CustomerPhone>().Where(p => phones.Contains(p.E164)).Select(p => p.E164).Distinct().ToListAsync(ct)).ToHashSet();
        var knownEmails = emails.Count == 0 ? [] : (await db.Set<CustomerEmail>().Where(e => emails.Contains(e.Address)).Select(e => e.Address).Distinct().ToListAsync(ct)).ToHashSet();
        return DropDuplicates(job, inserts, seen, errors, counters, knownTax, knownPhones, knownEmails);
    }

    static List<Candidate> DropDuplicates(ImportJob job, List<Candidate> inserts, SeenKeys seen, List<ImportRowError> errors, Counters counters,
        HashSet<string> knownTax, HashSet<string> knownPhones, HashSet<string> knownEmails)
    {
        var kept = new List<Candidate>(inserts.Count);
        foreach (var c in inserts)
        {
            var cust = c.Customer;
            string? reason = null, field = null;
            if (cust.TaxCode is { } tc && (knownTax.Contains(tc) || seen.TaxCodes.Contains(tc)))
                (field, reason) = ("taxCode", $"Duplicato: codice fiscale {tc} già presente.");
            else if (cust.Phones.FirstOrDefault(p => knownPhones.Contains(p.E164) || seen.Phones.Contains(p.E164)) is { } phone)
                (field, reason) = ("phone", $"Duplicato: telefono {phone.E164} già presente.");
            else if (cust.Emails.FirstOrDefault(e => knownEmails.Contains(e.Address) || seen.Emails.Contains(e.Address)) is { } email)
                (field, reason) = ("email", $"Duplicato: e-mail {email.Address} già presente.");
            if (reason is not null)
            {
                counters.Duplicates++;
                errors.Add(Error(job.Id, c.Row, field!, reason, c.Raw));
                continue;
            }
            if (cust.TaxCode is { } t) seen.TaxCodes.Add(t);
            foreach (var p in cust.Phones) seen.Phones.Add(p.E164);
            foreach (var e in cust.Emails) seen.Emails.Add(e.Address);
            kept.Add(c);
        }
        return kept;
    }

    static async Task UpdateAsync(SchedarioDb db, List<(Candidate Candidate, Guid Id)> updates, string user, DateTime now, CancellationToken ct)
    {
        var ids = updates.Select(u => u.Id).ToList();
        var records = await db.Set<Customer>()
            .Include(c => c.Addresses).Include(c => c.Phones).Include(c => c.Emails)
            .Include(c => c.Referents).Include(c => c.Sites).Include(c => c.Consents)
            .AsSplitQuery().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        foreach (var (candidate, id) in updates)
        {
            var record = records[id];
            // A file row does not carry referents and sites: keep the ones the record has.
            var input = candidate.Input with
            {
                Referents = record.Referents.Select(r => new ReferentDto(r.Id, r.FirstName, r.LastName, r.Role,
                    record.Phones.Where(p => p.ReferentId == r.Id).Select(p => new PhoneDto(EnumText.Wire(p.Type), p.Number, p.E164, p.IsMain)).ToList(),
                    record.Emails.Where(e => e.ReferentId == r.Id).Select(e => new EmailDto(e.Address, e.IsMain)).ToList())).ToList(),
                Sites = record.Sites.Select(s => new SiteDto(s.Id, s.Name, s.Street, s.HouseNumber, s.PostalCode, s.City, s.Province, s.Region)).ToList(),
            };
            CustomerWriter.Apply(input, record, user, now);
            // Subjects named by the file replace the record's (an empty cell leaves them alone).
            if (candidate.Customer.AgencyId is { } agency) record.AgencyId = agency;
            if (candidate.Customer.ReferrerId is { } referrer) record.ReferrerId = referrer;
            foreach (var owner in candidate.Customer.Owners)
            {
                var pt = owner.PortfolioTypeId;
                await db.Set<Organization.CustomerOwner>().Where(o => o.CustomerId == id && o.PortfolioTypeId == pt).ExecuteDeleteAsync(ct);
                db.Add(new Organization.CustomerOwner { CustomerId = id, PortfolioTypeId = pt, SubjectId = owner.SubjectId, AssignedAt = now, AssignedBy = user });
            }
            record.Version++;
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    static ImportRowError Error(Guid importId, int row, string field, string message, string?[] raw) => new()
    {
        ImportId = importId, RowNumber = row, Field = field,
        Message = message.Length > 500 ? message[..500] : message,
        RawRow = string.Join(';', raw.Select(v => v?.Replace(';', ',') ?? "")),
    };
}
