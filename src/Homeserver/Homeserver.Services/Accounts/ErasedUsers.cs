namespace Homeserver.Services.Accounts;

/// <summary>
/// Which users asked to be erased (deactivated with <c>erase: true</c>): their events are served pruned to whoever was
/// not joined when they were sent (Synapse's "GDPR erasure").
/// </summary>
public interface IErasedUserReader
{
    /// <summary>The users of <paramref name="userIds"/> who are erased (remote and unknown users never are).</summary>
    Task<IReadOnlySet<string>> GetErasedAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);
}
