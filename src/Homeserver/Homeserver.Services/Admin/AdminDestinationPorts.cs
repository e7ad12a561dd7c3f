namespace Homeserver.Services.Admin;

/// <summary>What the federation sender keeps of the servers it sends to (<c>federation_destinations</c>) and the rooms
/// shared with them, for the admin API.</summary>
public interface IAdminDestinationStore
{
    Task<IReadOnlyList<DestinationRow>> ListAsync(CancellationToken cancellationToken);

    Task<DestinationRow?> GetAsync(string destination, CancellationToken cancellationToken);

    /// <summary>One page (by room ID) of the rooms where a user of <paramref name="destination"/> is joined, each with
    /// the room's newest event position, and how many there are in all.</summary>
    Task<(IReadOnlyList<DestinationRoom> Rooms, long Total)> RoomsAsync(string destination, AdminPage page,
        bool backwards, CancellationToken cancellationToken);
}

/// <param name="LastSuccessfulStream">The newest event position the destination accepted (null: none yet).</param>
public sealed record DestinationRow(string Destination, long? LastSuccessfulStream);

public sealed record DestinationRoom(string RoomId, long StreamOrdering);
