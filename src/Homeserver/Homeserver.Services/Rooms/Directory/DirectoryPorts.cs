using System.Text.Json.Nodes;

namespace Homeserver.Services.Rooms.Directory;

/// <summary>This server's room aliases.</summary>
public interface IRoomAliasStore
{
    /// <summary>Maps the alias to the room; false when the alias is already taken.</summary>
    Task<bool> TryCreateAsync(string alias, string roomId, string creator, CancellationToken cancellationToken);

    Task<RoomAliasEntry?> GetAsync(string alias, CancellationToken cancellationToken);

    /// <summary>False when the alias did not exist.</summary>
    Task<bool> DeleteAsync(string alias, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> GetAliasesOfRoomAsync(string roomId, CancellationToken cancellationToken);
}

public sealed record RoomAliasEntry(string Alias, string RoomId, string Creator);

/// <summary>The published room directory and the summaries of rooms it and the space hierarchy show.</summary>
public interface IRoomDirectoryStore
{
    /// <summary>Whether the room is published; null for an unknown room.</summary>
    Task<bool?> IsPublicAsync(string roomId, CancellationToken cancellationToken);

    Task SetPublicAsync(string roomId, bool isPublic, CancellationToken cancellationToken);

    /// <summary>A page of published rooms, ordered by joined members (most first), then room ID.</summary>
    Task<PublicRoomsPage> GetPublicRoomsAsync(PublicRoomsQuery query, CancellationToken cancellationToken);

    /// <summary>Summaries of the known rooms among <paramref name="roomIds"/>.</summary>
    Task<IReadOnlyList<RoomSummary>> GetSummariesAsync(IReadOnlyCollection<string> roomIds,
        CancellationToken cancellationToken);
}

/// <summary>
/// A page request: <paramref name="After"/> (forwards) or <paramref name="Before"/> (backwards) is the position
/// to continue from; <paramref name="RoomTypes"/> null means any type, a null entry rooms without one.
/// </summary>
public sealed record PublicRoomsQuery(int Limit, DirectoryPosition? After, DirectoryPosition? Before,
    string? SearchTerm, IReadOnlyList<string?>? RoomTypes);

/// <summary>A place in the directory's order.</summary>
public sealed record DirectoryPosition(long JoinedMembers, string RoomId);

/// <summary>The rooms of a page in directory order, whether more lie either side, and how many match in all.</summary>
public sealed record PublicRoomsPage(IReadOnlyList<RoomSummary> Rooms, bool MoreBefore, bool MoreAfter, long Total);

/// <summary>What the directory and the space hierarchy say about a room (from its current state).</summary>
public sealed record RoomSummary(
    string RoomId,
    string RoomVersion,
    long JoinedMembers,
    string? Name,
    string? Topic,
    string? CanonicalAlias,
    string? AvatarUrl,
    string? JoinRule,
    string? HistoryVisibility,
    string? GuestAccess,
    string? RoomType,
    string? Encryption)
{
    public bool WorldReadable => HistoryVisibility == "world_readable";

    public bool GuestCanJoin => GuestAccess == "can_join";

    public DirectoryPosition Position => new(JoinedMembers, RoomId);

    /// <summary>The spec's PublishedRoomsChunk.</summary>
    public JsonObject ToChunk()
    {
        var chunk = new JsonObject
        {
            ["room_id"] = RoomId,
            ["num_joined_members"] = JoinedMembers,
            ["world_readable"] = WorldReadable,
            ["guest_can_join"] = GuestCanJoin,
        };
        void Optional(string key, string? value)
        {
            if (value is not null)
            {
                chunk[key] = value;
            }
        }

        Optional("name", Name);
        Optional("topic", Topic);
        Optional("canonical_alias", CanonicalAlias);
        Optional("avatar_url", AvatarUrl);
        Optional("room_type", RoomType);
        Optional("join_rule", JoinRule); // absent: the spec says clients assume public
        return chunk;
    }
}
