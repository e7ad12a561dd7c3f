namespace Homeserver.Bridges.AppService.Store;

/// <summary>How far a transaction from the homeserver has been handled.</summary>
public readonly record struct TransactionProgress(int EventsHandled, bool Completed);

/// <summary>Transactions received from the homeserver, so a retried one is not handled twice (even after a restart).</summary>
public interface ITransactionLog
{
    /// <summary>The progress of <paramref name="txnId"/>, recording it as started when new.</summary>
    Task<TransactionProgress> StartAsync(string txnId, CancellationToken cancellationToken);

    /// <summary>Records that the first <paramref name="eventsHandled"/> entries were handled.</summary>
    Task RecordProgressAsync(string txnId, int eventsHandled, CancellationToken cancellationToken);

    Task CompleteAsync(string txnId, CancellationToken cancellationToken);

    /// <summary>Forgets completed transactions received before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>A ghost's profile as last set by this appservice.</summary>
public sealed record GhostProfile(string? DisplayName, string? AvatarUrl);

/// <summary>Ghosts this appservice registered, and the profile it last set for each.</summary>
public interface IGhostStore
{
    Task<bool> IsRegisteredAsync(string userId, CancellationToken cancellationToken);

    Task MarkRegisteredAsync(string userId, CancellationToken cancellationToken);

    Task<GhostProfile?> GetProfileAsync(string userId, CancellationToken cancellationToken);

    Task SetDisplayNameAsync(string userId, string? displayName, CancellationToken cancellationToken);

    Task SetAvatarUrlAsync(string userId, string? avatarUrl, CancellationToken cancellationToken);
}

/// <summary>The membership of this appservice's users (bot and ghosts) in rooms, as last seen or made.</summary>
public interface IMembershipStore
{
    Task<string?> GetMembershipAsync(string roomId, string userId, CancellationToken cancellationToken);

    Task SetMembershipAsync(string roomId, string userId, string membership, CancellationToken cancellationToken);
}

/// <summary>
/// One link between a remote thing and a Matrix one, e.g. kind <c>message</c>: a Discord message ID and the Matrix
/// event it became. <paramref name="Part"/> tells apart the several Matrix events one remote message may become
/// (text, then each attachment); "" when there is one.
/// </summary>
public sealed record Mapping(string Kind, string RemoteId, string Part, string MatrixId, string? RoomId);

/// <summary>Remote ID &lt;-&gt; Matrix ID links, so edits, deletes and replies find their counterpart.</summary>
public interface IMappingStore
{
    /// <summary>Stores <paramref name="mapping"/> unless its (kind, remote ID, part) or (kind, Matrix ID) is taken;
    /// returns whether it was stored (false: a replay of something already bridged).</summary>
    Task<bool> TryAddAsync(Mapping mapping, CancellationToken cancellationToken);

    /// <summary>Every part of a remote thing, in part order.</summary>
    Task<IReadOnlyList<Mapping>> FindByRemoteAsync(string kind, string remoteId, CancellationToken cancellationToken);

    Task<Mapping?> FindByMatrixAsync(string kind, string matrixId, CancellationToken cancellationToken);

    /// <summary>Removes every part of a remote thing; returns how many.</summary>
    Task<int> RemoveByRemoteAsync(string kind, string remoteId, CancellationToken cancellationToken);

    Task<bool> RemoveByMatrixAsync(string kind, string matrixId, CancellationToken cancellationToken);
}
