using Pneumo.Audit;
using Pneumo.Persistence;

namespace Pneumo.Reporting.Card;

/// <summary>One audit folder given to a model card (<c>audit.json</c> of <c>pneumo audit</c>).</summary>
/// <param name="Directory">The folder as the user named it.</param>
public sealed record CardAudit(string Directory, AuditResult Result)
{
    public string AuditFile => Path.Combine(Directory, FileNames.Audit);

    /// <summary>The audit's summary of one file-name group, class or "all" at the model's threshold, or null.</summary>
    public GroupMetrics? Group(string name) => Result.Groups.FirstOrDefault(g => g.Group == name);
}
