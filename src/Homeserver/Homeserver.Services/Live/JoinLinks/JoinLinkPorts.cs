namespace Homeserver.Services.Live.JoinLinks;

/// <summary>A room's join password: its hash (never the password) and who set it.</summary>
public sealed record JoinPassword(string RoomId, string PasswordHash, string SetBy, long SetAt);

/// <summary>An invite link: the SHA-256 of its token (never the token), its short ID and its limits.</summary>
/// <param name="ExpiresAt">Milliseconds since the epoch; null: never.</param>
/// <param name="MaxUses">Null: unlimited.</param>
public sealed record InviteLink(byte[] TokenHash, string Id, string RoomId, string CreatedBy, long CreatedAt,
    long? ExpiresAt, int? MaxUses, int Uses)
{
    public bool IsUsableAt(long now) => (ExpiresAt is null || now < ExpiresAt) && (MaxUses is null || Uses < MaxUses);
}

/// <summary>The <c>live_join_passwords</c> table.</summary>
public interface IJoinPasswordStore
{
    Task SetAsync(JoinPassword password, CancellationToken cancellationToken);

    Task<JoinPassword?> GetAsync(string roomId, CancellationToken cancellationToken);

    Task DeleteAsync(string roomId, CancellationToken cancellationToken);
}

/// <summary>The <c>live_invite_links</c> table.</summary>
public interface IInviteLinkStore
{
    Task CreateAsync(InviteLink link, CancellationToken cancellationToken);

    Task<InviteLink?> GetAsync(byte[] tokenHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<InviteLink>> ListAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>The room's link named by <paramref name="id"/> or whose token hashes to <paramref name="tokenHash"/>.</summary>
    Task<InviteLink?> FindInRoomAsync(string roomId, string id, byte[] tokenHash, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one use of the link when it is in <paramref name="roomId"/>, has not expired at <paramref name="now"/>
    /// and has uses left, atomically (of two uses racing for the last one, one gets true).
    /// </summary>
    Task<bool> TryUseAsync(byte[] tokenHash, string roomId, long now, CancellationToken cancellationToken);

    /// <summary>Gives back a use counted by <see cref="TryUseAsync"/> that let nobody in.</summary>
    Task ReleaseUseAsync(byte[] tokenHash, CancellationToken cancellationToken);
}
