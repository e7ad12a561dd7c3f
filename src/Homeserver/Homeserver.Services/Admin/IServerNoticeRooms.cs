namespace Homeserver.Services.Admin;

/// <summary>Finds a user's server-notices room the way Synapse does, without a table of its own: a room the user is
/// invited to or joined where the notices user is joined.</summary>
public interface IServerNoticeRooms
{
    Task<string?> FindAsync(string userId, string noticesUserId, CancellationToken cancellationToken);
}
