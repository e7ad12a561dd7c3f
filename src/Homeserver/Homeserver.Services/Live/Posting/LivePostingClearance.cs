using System.Text.Json;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Live.Posting;

/// <summary>
/// What <see cref="LivePostingPolicy"/> checked against the database before a send: the rules version the user was
/// found to have accepted, and the slow-mode slot claimed for them (ms), so the send's decision on the room's head
/// (under its lock) only has to see that they cover what the head asks.
/// </summary>
public sealed record LivePostingClearance(string RoomId, string UserId, JsonElement? AcceptedRulesVersion,
    long? SlowModeClaimedAt)
{
    public static LivePostingClearance None(string roomId, string userId) => new(roomId, userId, null, null);
}

/// <summary>
/// Thrown by <see cref="LivePostingPolicy.Check"/> in a send's decision when the room's head asks for checks the
/// clearance did not make (the head this process had cached was stale, or there was none): the sender clears again
/// on <see cref="Head"/> and retries the append.
/// </summary>
public sealed class LivePostingClearanceNeededException(RoomHead head)
    : Exception($"The posting rules of {head?.RoomId} need checking before this send")
{
    public RoomHead Head { get; } = head ?? throw new ArgumentNullException(nameof(head));
}
