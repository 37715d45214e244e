using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Schedario.Web.Access;
using Schedario.Web.Campaigns;
using Schedario.Web.Organization;
using Schedario.Web.Registry;

namespace Schedario.Web.Data;

/// <summary>
/// Record visibility, enforced in one place: a named query filter on <see cref="Customer"/>. Every
/// query that starts from the registry (lists, quick search, filters, the card, the API, exports,
/// duplicates, caller-ID lookup, the wizard) sees only what the current user may read, with no
/// code of its own. The filter reads the members below at query time, so one cached model serves
/// every user.
/// </summary>
public abstract partial class SchedarioDb
{
    public const string SoftDeleteFilter = "SoftDelete";
    public const string VisibilityFilter = "Visibility";

    VisibilityLevel ReadLevel => AmbientAccess.Current?.LevelFor(RecordAction.Read) ?? VisibilityLevel.All;
    // Parameters of the filter (EF reads them from the context on each query).
    bool SeesAll => ReadLevel == VisibilityLevel.All;
    int? SeesAgencyId => ReadLevel >= VisibilityLevel.Agency ? AmbientAccess.Current?.AgencyId : null;
    int? SeesSubjectId => ReadLevel >= VisibilityLevel.Own ? AmbientAccess.Current?.SubjectId : null;
    string? SeesUserId => ReadLevel >= VisibilityLevel.Own ? AmbientAccess.Current?.UserId : null;
    string? SeesUserName => ReadLevel >= VisibilityLevel.Own ? AmbientAccess.Current?.UserName : null;

    void ConfigureVisibility(ModelBuilder builder) =>
        builder.Entity<Customer>().HasQueryFilter(VisibilityFilter, c =>
            SeesAll
            || (SeesAgencyId != null && c.AgencyId == SeesAgencyId)
            || (SeesSubjectId != null && Set<CustomerOwner>().Any(o => o.CustomerId == c.Id && o.SubjectId == SeesSubjectId))
            || (SeesUserId != null && Set<CampaignEntry>().Any(e => e.CustomerId == c.Id && (e.AssignedUserId == SeesUserId || e.LeaseHolder == SeesUserId)))
            || (SeesUserName != null && c.CreatedBy == SeesUserName));

    /// <summary>
    /// The same rule for another action at a given level (edit, delete, export, mass update reach no
    /// further than their own level even where reading reaches further).
    /// </summary>
    public Expression<Func<Customer, bool>> Reach(AccessProfile profile, VisibilityLevel level)
    {
        if (level == VisibilityLevel.All) return c => true;
        if (level == VisibilityLevel.None) return c => false;
        int? agencyId = level >= VisibilityLevel.Agency ? profile.AgencyId : null;
        int? subjectId = profile.SubjectId;
        var userId = profile.UserId;
        var userName = profile.UserName;
        var owners = Set<CustomerOwner>();
        var entries = Set<CampaignEntry>();
        return c => (agencyId != null && c.AgencyId == agencyId)
                    || (subjectId != null && owners.Any(o => o.CustomerId == c.Id && o.SubjectId == subjectId))
                    || entries.Any(e => e.CustomerId == c.Id && (e.AssignedUserId == userId || e.LeaseHolder == userId))
                    || c.CreatedBy == userName;
    }
}
