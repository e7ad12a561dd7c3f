namespace Homeserver.Fuzz.Generation;

/// <summary>A logged-in device of a fuzz user.</summary>
public sealed record FuzzSession(string UserId, string DeviceId, string AccessToken);

/// <summary>A room made in the setup phase, with events of several kinds in it.</summary>
/// <param name="Members">Indexes into <see cref="FuzzContext.Sessions"/> of the users joined at setup.</param>
public sealed record FuzzRoom(string RoomId, string? Alias, IReadOnlyList<string> EventIds, IReadOnlyList<int> Members);

/// <summary>
/// The real identifiers the requests use, so they reach handlers' logic and not only their parameter checks: sessions
/// of a couple of registered users, rooms with events, an alias, filter IDs, sync and pagination tokens.
/// Generation reads it; only the runner changes it, between batches.
/// </summary>
public sealed class FuzzContext
{
    public required string ServerName { get; init; }

    public required List<FuzzSession> Sessions { get; init; }

    public List<FuzzRoom> Rooms { get; } = [];

    /// <summary>A room only the second user is in (a real room the requester cannot see).</summary>
    public string? ForeignRoomId { get; set; }

    public List<string> FilterIds { get; } = [];

    public List<string> SyncTokens { get; } = [];

    public List<string> PaginationTokens { get; } = [];

    public string? KeyBackupVersion { get; set; }
}
