using System.Text.Json.Nodes;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Sync;

/// <summary>
/// A joined room's <c>summary</c> (m.heroes and member counts) from its current memberships. The syncs that one event
/// woke together share one read per room (<see cref="SharedReads{TKey,TValue}"/>: a read that started after the
/// caller's positions were read): the read names one hero more than needed and leaves nobody out, and each user's
/// heroes are then those of the others.
/// </summary>
public sealed class SyncRoomSummaries(ISyncReader reader)
{
    public const int MaxHeroes = 5;

    private readonly SharedReads<string, RoomMemberSummary> _reads = new();

    /// <param name="shareReadsFrom">A <see cref="System.Diagnostics.Stopwatch"/> timestamp after which everything
    /// the caller must see was visible (its positions read), or null to read alone.</param>
    public async Task<JsonObject> GetAsync(string roomId, string userId, long? shareReadsFrom,
        CancellationToken cancellationToken)
    {
        var summary = shareReadsFrom is { } notBefore
            ? await _reads.ReadAsync(roomId, notBefore,
                () => reader.GetMemberSummaryAsync(roomId, "", MaxHeroes + 1, CancellationToken.None), cancellationToken)
            : await reader.GetMemberSummaryAsync(roomId, "", MaxHeroes + 1, cancellationToken);
        var present = Others(summary.PresentHeroes, userId);
        var heroes = present.Count > 0 ? present : Others(summary.DepartedHeroes, userId);
        return new JsonObject
        {
            ["m.heroes"] = new JsonArray(heroes.Select(h => (JsonNode?)h).ToArray()),
            ["m.joined_member_count"] = summary.Joined,
            ["m.invited_member_count"] = summary.Invited,
        };
    }

    private static List<string> Others(IReadOnlyList<string> heroes, string userId) =>
        heroes.Where(h => !string.Equals(h, userId, StringComparison.Ordinal)).Take(MaxHeroes).ToList();
}
