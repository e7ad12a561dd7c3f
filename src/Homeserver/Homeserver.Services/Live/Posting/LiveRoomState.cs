using System.Text.Json;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Live.Posting;

/// <summary>A room's <see cref="LiveNames.Schedule"/>: posting opens at <see cref="OpensAt"/> (ms) and closes at
/// <see cref="EndsAt"/> (ms); either may be absent.</summary>
public sealed record LiveSchedule(long? OpensAt, long? EndsAt);

/// <summary>A timeout as the server enforces it: <see cref="ExpiresAt"/> is what the state says, but never more than
/// <see cref="LiveRoomState.MaxTimeout"/> after the timeout event's origin_server_ts.</summary>
public sealed record LiveTimeout(string UserId, long ExpiresAt, string? Reason, string? By);

/// <summary>A room's <see cref="LiveNames.Rules"/> when they must be accepted before posting.</summary>
public sealed record LiveRules(JsonElement Version);

/// <summary>
/// Reads the live posting rules out of a room's current state. Malformed content counts as no rule (a bad state
/// event must not lock everybody out); the moderators who wrote it see it in any client.
/// </summary>
public static class LiveRoomState
{
    public const int MinTimeoutMinutes = 1;
    public const int MaxTimeoutMinutes = 60;
    public const int DefaultTimeoutMinutes = 5;

    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(MaxTimeoutMinutes);

    /// <summary>
    /// The state key of a user's <see cref="LiveNames.Timeout"/>: their user ID without its leading <c>@</c>. The auth
    /// rules of every room version reject a state key starting with <c>@</c> unless it is the sender's own, and a
    /// moderator writes the timeout of someone else.
    /// </summary>
    public static string TimeoutStateKey(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return userId.StartsWith('@') ? userId[1..] : userId;
    }

    /// <summary>Whether the head holds no live posting rule at all: the common room, decided on four lookups.</summary>
    public static bool HasNoPostingRules(RoomHead head, string userId)
    {
        ArgumentNullException.ThrowIfNull(head);
        return head.Get(LiveNames.Schedule, "") is null && head.Get(LiveNames.Rules, "") is null &&
               head.Get(LiveNames.Timeout, TimeoutStateKey(userId)) is null && head.Get(LiveNames.SlowMode, "") is null;
    }

    public static LiveSchedule? Schedule(RoomHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (head.Get(LiveNames.Schedule, "") is not { } pdu)
        {
            return null;
        }

        var startsAt = Long(pdu.Content, "starts_at");
        var opensBefore = Long(pdu.Content, "opens_before_minutes") ?? 0;
        var endsAt = Long(pdu.Content, "ends_at");
        long? opensAt = startsAt is { } s && opensBefore is >= 0 and <= 60L * 24 * 366
            ? s - (opensBefore * 60_000)
            : startsAt;
        return opensAt is null && endsAt is null ? null : new LiveSchedule(opensAt, endsAt);
    }

    /// <summary>The user's timeout if it is still running at <paramref name="nowMs"/>.</summary>
    public static LiveTimeout? ActiveTimeout(RoomHead head, string userId, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(head);
        return head.Get(LiveNames.Timeout, TimeoutStateKey(userId)) is { } pdu && Timeout(pdu) is { } timeout &&
               timeout.ExpiresAt > nowMs
            ? timeout
            : null;
    }

    /// <summary>Every timeout still running at <paramref name="nowMs"/>, soonest to end first.</summary>
    public static IReadOnlyList<LiveTimeout> ActiveTimeouts(RoomHead head, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(head);
        return head.State.Where(entry => entry.Key.Type == LiveNames.Timeout)
            .Select(entry => Timeout(entry.Value))
            .OfType<LiveTimeout>()
            .Where(timeout => timeout.ExpiresAt > nowMs)
            .OrderBy(timeout => timeout.ExpiresAt)
            .ThenBy(timeout => timeout.UserId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The rules when they require acceptance (with a version), else null.</summary>
    public static LiveRules? RulesToAccept(RoomHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (head.Get(LiveNames.Rules, "") is not { } pdu ||
            !pdu.Content.TryGetProperty("require_acceptance", out var require) || require.ValueKind != JsonValueKind.True)
        {
            return null;
        }

        return RulesVersion(pdu) is { } version ? new LiveRules(version) : null;
    }

    /// <summary>The version of the room's rules (a string or a number), whether or not they must be accepted.</summary>
    public static JsonElement? RulesVersion(RoomHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return head.Get(LiveNames.Rules, "") is { } pdu ? RulesVersion(pdu) : null;
    }

    /// <summary>Seconds between one user's messages; 0 when slow mode is off.</summary>
    public static int SlowModeSeconds(RoomHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return head.Get(LiveNames.SlowMode, "") is { } pdu && Long(pdu.Content, "seconds") is { } seconds and > 0
            ? (int)Math.Min(seconds, int.MaxValue)
            : 0;
    }

    /// <summary>Whether <paramref name="accepted"/> (a user's <see cref="LiveNames.RulesAccepted"/>) names
    /// <paramref name="version"/>.</summary>
    public static bool Accepts(JsonElement accepted, JsonElement version) =>
        accepted.ValueKind == JsonValueKind.Object && accepted.TryGetProperty("version", out var v) &&
        JsonElement.DeepEquals(v, version);

    private static JsonElement? RulesVersion(Pdu pdu) =>
        pdu.Content.TryGetProperty("version", out var version) &&
        version.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? version
            : null;

    private static LiveTimeout? Timeout(Pdu pdu)
    {
        if (pdu.StateKey is not { } stateKey || Long(pdu.Content, "expires_at") is not { } expiresAt)
        {
            return null; // {} : lifted
        }

        var userId = "@" + stateKey;

        var capped = Math.Min(expiresAt, pdu.OriginServerTs + (long)MaxTimeout.TotalMilliseconds);
        return new LiveTimeout(userId, capped, pdu.ContentString("reason"), pdu.ContentString("by"));
    }

    private static long? Long(JsonElement content, string property) =>
        content.ValueKind == JsonValueKind.Object && content.TryGetProperty(property, out var value) &&
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;
}
