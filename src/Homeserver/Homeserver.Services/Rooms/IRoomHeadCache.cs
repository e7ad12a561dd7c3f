namespace Homeserver.Services.Rooms;

/// <summary>
/// The room heads this process's writer keeps in memory, read without the database: what a caller may decide in
/// advance on (a hint), to be checked again on the real head under the room's lock, since another process may have
/// written since.
/// </summary>
public interface IRoomHeadCache
{
    /// <summary>The cached head of the room, possibly stale; null when this process holds none.</summary>
    RoomHead? Peek(string roomId);

    /// <summary>Drops this process's head of the room: its rows changed outside an append (an admin purged the room
    /// or cleared its forward extremities). A cache that keeps nothing has nothing to drop.</summary>
    void Evict(string roomId)
    {
    }
}
