namespace Homeserver.Services.Admin.Rooms;

/// <summary>A room as Synapse's admin API lists it (its <c>room_stats_state</c> and <c>room_stats_current</c>),
/// computed here from the room's current state and memberships.</summary>
public sealed record AdminRoomSummary(string RoomId, string? Name, string? Topic, string? Avatar,
    string? CanonicalAlias, long JoinedMembers, long JoinedLocalMembers, string Version, string? Creator,
    string? Encryption, bool Federatable, bool Public, string? JoinRules, string? GuestAccess,
    string? HistoryVisibility, long StateEvents, string? RoomType);

/// <summary>GET /_synapse/admin/v1/rooms: a page of the rooms matching the filters in one of Synapse's orders.</summary>
/// <param name="OrderBy">One of <see cref="AdminRoomOrder.All"/>.</param>
public sealed record AdminRoomQuery(int From, int Limit, string OrderBy, bool Backwards, string? SearchTerm,
    bool? PublicRooms, bool? EmptyRooms);

/// <summary>A forward extremity of a room as <c>/forward_extremities</c> shows it.</summary>
/// <param name="ReceivedTs">When the event reached this server; the event's origin_server_ts (not stored apart).</param>
public sealed record AdminForwardExtremity(string EventId, long? StateGroup, long Depth, long ReceivedTs);

/// <summary>The reads and few writes of the rooms admin API.</summary>
public interface IAdminRoomStore
{
    Task<(IReadOnlyList<AdminRoomSummary> Rooms, long Total)> ListAsync(AdminRoomQuery query, string serverName,
        CancellationToken cancellationToken);

    /// <summary>The room (null when this server has no head for it).</summary>
    Task<AdminRoomSummary?> GetAsync(string roomId, string serverName, CancellationToken cancellationToken);

    /// <summary>Users joined to the room now, local and remote.</summary>
    Task<IReadOnlyList<string>> GetJoinedMembersAsync(string roomId, CancellationToken cancellationToken);

    Task<long> CountDevicesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);

    /// <summary>Whether every local user with a membership of the room has forgotten it (Synapse's "forgotten").</summary>
    Task<bool> IsForgottenAsync(string roomId, string serverName, CancellationToken cancellationToken);

    Task<IReadOnlyList<AdminForwardExtremity>> GetForwardExtremitiesAsync(string roomId,
        CancellationToken cancellationToken);

    /// <summary>Drops every forward extremity but the newest; how many were dropped.</summary>
    Task<int> DeleteForwardExtremitiesAsync(string roomId, CancellationToken cancellationToken);
}

/// <summary>Rooms blocked by a server admin (<c>blocked_rooms</c>).</summary>
public interface IRoomBlocklist
{
    /// <summary>The admin who blocked the room, or null when it is not blocked.</summary>
    Task<string?> BlockedByAsync(string roomId, CancellationToken cancellationToken);

    Task BlockAsync(string roomId, string adminUserId, CancellationToken cancellationToken);

    Task UnblockAsync(string roomId, CancellationToken cancellationToken);
}

/// <summary>Removing rooms and history from the database.</summary>
public interface IRoomPurgeStore
{
    /// <summary>Removes every row about the room (events, state, memberships, aliases, receipts, ...); false when
    /// the room was unknown.</summary>
    Task<bool> PurgeRoomAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the room's events before <paramref name="beforeStream"/> (exclusive) except those of its current state and the
    /// forward extremities (and, unless <paramref name="deleteLocalEvents"/>, except those sent by local users);
    /// how many were removed.
    /// </summary>
    Task<int> PurgeHistoryAsync(string roomId, long beforeStream, bool deleteLocalEvents, string serverName,
        CancellationToken cancellationToken);
}

/// <summary>A background job of the rooms admin API as its status endpoints show it.</summary>
public sealed record AdminRoomJob(string JobId, string Kind, string RoomId, string Status, string? Result,
    string? Error, long CreatedTs);

/// <summary>The admin's background jobs on rooms (<c>admin_room_jobs</c>).</summary>
public interface IAdminRoomJobStore
{
    Task CreateAsync(AdminRoomJob job, CancellationToken cancellationToken);

    Task UpdateAsync(string jobId, string status, string? result, string? error, CancellationToken cancellationToken);

    Task<AdminRoomJob?> GetAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The room's jobs of the kind, oldest first.</summary>
    Task<IReadOnlyList<AdminRoomJob>> ListByRoomAsync(string roomId, string kind, CancellationToken cancellationToken);
}

/// <summary>Synapse's <c>order_by</c> values for the room list, with the column each sorts by and its natural
/// direction (counts and versions largest first).</summary>
public static class AdminRoomOrder
{
    public const string Name = "name";

    public static readonly IReadOnlyList<string> All =
    [
        "alphabetical", "size", "name", "canonical_alias", "joined_members", "joined_local_members", "version",
        "creator", "encryption", "federatable", "public", "join_rules", "guest_access", "history_visibility",
        "state_events",
    ];

    /// <summary>The column of the stats query and whether it sorts ascending before <c>dir=b</c>.</summary>
    public static (string Column, bool Ascending) Of(string orderBy) => orderBy switch
    {
        "size" or "joined_members" => ("joined_members", false),
        "alphabetical" or "name" => ("name", true),
        "canonical_alias" => ("canonical_alias", true),
        "joined_local_members" => ("joined_local_members", false),
        "version" => ("version", false),
        "creator" => ("creator", true),
        "encryption" => ("encryption", true),
        "federatable" => ("federatable", true),
        "public" => ("public", true),
        "join_rules" => ("join_rules", true),
        "guest_access" => ("guest_access", true),
        "history_visibility" => ("history_visibility", true),
        "state_events" => ("state_events", false),
        _ => throw new ArgumentOutOfRangeException(nameof(orderBy), orderBy, "Unknown order"),
    };
}
