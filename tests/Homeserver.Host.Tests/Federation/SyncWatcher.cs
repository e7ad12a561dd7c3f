using System.Net;
using System.Text.Json;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// Follows one user's /sync with long polls until what a test waits for arrives (the server's own wake-up is the
/// signal; the deadline only bounds a failure).
/// </summary>
internal sealed class SyncWatcher(LiveServer server, TestSession session)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private string? _since;

    /// <summary>Every sync response seen so far, in order (to check what never showed).</summary>
    public List<JsonElement> Seen { get; } = [];

    /// <summary>Long-polls until <paramref name="found"/> picks something out of a sync response; returns it.</summary>
    public async Task<JsonElement> UntilAsync(Func<JsonElement, JsonElement?> found, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < deadline)
        {
            var path = "/_matrix/client/v3/sync?timeout=5000" + (_since is null ? "" : "&since=" + _since);
            var (status, body) = await server.GetAsync(path, session.AccessToken);
            Assert.True(status == HttpStatusCode.OK, $"sync failed: {status} {body}");
            _since = body.GetProperty("next_batch").GetString();
            Seen.Add(body.Clone());
            if (found(body) is { } result)
            {
                return result.Clone();
            }
        }

        throw new TimeoutException($"{session.UserId} never saw {what}");
    }

    /// <summary>Waits for a timeline event of a joined room matching <paramref name="match"/>.</summary>
    public Task<JsonElement> TimelineEventAsync(string roomId, Func<JsonElement, bool> match, string what) =>
        UntilAsync(body => Room(body, "join", roomId) is { } room && room.TryGetProperty("timeline", out var timeline)
            ? timeline.GetProperty("events").EnumerateArray().Where(match).Cast<JsonElement?>().FirstOrDefault()
            : null, what);

    /// <summary>Waits for a message with this body in a joined room.</summary>
    public Task<JsonElement> MessageAsync(string roomId, string text) =>
        TimelineEventAsync(roomId, e => e.GetProperty("type").GetString() == "m.room.message" &&
                                        e.GetProperty("content").TryGetProperty("body", out var b) &&
                                        b.GetString() == text, $"message '{text}'");

    /// <summary>Waits for the room to show in a sync section (join, invite, leave).</summary>
    public Task<JsonElement> RoomInAsync(string section, string roomId) =>
        UntilAsync(body => Room(body, section, roomId), $"{roomId} in rooms.{section}");

    public static JsonElement? Room(JsonElement sync, string section, string roomId) =>
        sync.TryGetProperty("rooms", out var rooms) && rooms.TryGetProperty(section, out var byId) &&
        byId.TryGetProperty(roomId, out var room)
            ? room
            : null;
}
