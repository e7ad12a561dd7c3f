using System.Text.Json;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Presence;
using Homeserver.Services.Rooms;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Edus;

/// <summary>
/// Inbound <c>m.presence</c> (server-server API, "Presence"): <c>{push: [{user_id, presence, last_active_ago,
/// currently_active, status_msg}]}</c>. Kept only for the origin's users who are joined to a room here (the only ones a
/// local user could be told about).
/// </summary>
public sealed class PresenceEduHandler(PresenceTracker presence, IRoomEventReader rooms, TimeProvider time,
    ILogger<PresenceEduHandler> logger) : IEduHandler
{
    public string EduType => EduTypes.Presence;

    public async Task HandleAsync(ServerName origin, JsonElement content, CancellationToken cancellationToken)
    {
        if (content.ValueKind != JsonValueKind.Object || !content.TryGetProperty("push", out var push) ||
            push.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var update in push.EnumerateArray())
        {
            if (Read(update, now) is not { } state || !RemoteEduSender.IsOfOrigin(state.UserId, origin))
            {
                EduLog.Ignored(logger, EduType, origin, null, "malformed, or another server's user");
                continue;
            }

            if ((await rooms.GetJoinedRoomsAsync(state.UserId, cancellationToken)).Count == 0)
            {
                continue;
            }

            await presence.ApplyRemoteAsync(state, cancellationToken);
        }
    }

    private static PresenceState? Read(JsonElement update, long now)
    {
        var userId = RemoteEduSender.StringProperty(update, "user_id");
        var state = RemoteEduSender.StringProperty(update, "presence");
        if (userId is null || !Presences.IsValid(state))
        {
            return null;
        }

        var ago = update.TryGetProperty("last_active_ago", out var a) && a.TryGetInt64(out var value) && value >= 0
            ? value
            : 0;
        var currentlyActive = update.TryGetProperty("currently_active", out var c) && c.ValueKind == JsonValueKind.True;
        return new PresenceState(userId, state!, RemoteEduSender.StringProperty(update, "status_msg"), now - ago,
            currentlyActive);
    }
}
