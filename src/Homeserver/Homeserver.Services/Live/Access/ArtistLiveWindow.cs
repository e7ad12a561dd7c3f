using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Services.Live.Access;

/// <summary>
/// When an artist counts as live (docs/LIVE.md, "Invite/DM blocking for artists while live"): inside
/// [<c>starts_at</c>, <c>ends_at</c>) of a room's <see cref="LiveNames.Schedule"/> whose <c>artists</c> names them, or
/// before the <c>until</c> of their <see cref="LiveNames.DoNotDisturb"/> account data. Times are ms since the epoch;
/// content that does not say so (missing or non-numeric fields) blocks nothing.
/// </summary>
public static class ArtistLiveWindow
{
    /// <summary>Whether the schedule content names <paramref name="userId"/> among its artists and
    /// <paramref name="nowMs"/> is inside its [starts_at, ends_at).</summary>
    public static bool IsLiveIn(JsonObject schedule, string userId, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return schedule["artists"] is JsonArray artists &&
               artists.Any(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String &&
                                string.Equals(v.GetValue<string>(), userId, StringComparison.Ordinal)) &&
               Milliseconds(schedule["starts_at"]) is { } startsAt && Milliseconds(schedule["ends_at"]) is { } endsAt &&
               startsAt <= nowMs && nowMs < endsAt;
    }

    /// <summary>Whether the do-not-disturb content's <c>until</c> is still ahead of <paramref name="nowMs"/>.</summary>
    public static bool IsDoNotDisturb(JsonObject doNotDisturb, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(doNotDisturb);
        return Milliseconds(doNotDisturb["until"]) is { } until && nowMs < until;
    }

    private static double? Milliseconds(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var ms)
            ? ms
            : null;
}
