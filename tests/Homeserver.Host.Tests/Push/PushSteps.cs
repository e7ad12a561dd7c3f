using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Push;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Homeserver.Host.Tests.Push;

/// <summary>Pushers and push actions for tests: rows of event_push_actions are written here as the evaluator would.</summary>
public static class PushSteps
{
    public static JsonObject HttpPusher(string url, string pushKey = "key-1", JsonObject? data = null)
    {
        data ??= new JsonObject();
        data["url"] = url;
        return new JsonObject
        {
            ["kind"] = "http",
            ["app_id"] = "org.example.app",
            ["pushkey"] = pushKey,
            ["app_display_name"] = "Example",
            ["device_display_name"] = "Phone",
            ["lang"] = "en",
            ["data"] = data,
        };
    }

    public static async Task SetPusherAsync(this TestSession session, JsonObject body) =>
        await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync("/_matrix/client/v3/pushers/set", body));

    public static async Task<JsonArray> PushersAsync(this TestSession session) =>
        (JsonArray)JsonNode.Parse((await MatrixAssert.OkAsync(await session.Client.GetAsync("/_matrix/client/v3/pushers")))
            .GetProperty("pushers").GetRawText())!;

    /// <summary>
    /// Records that <paramref name="userId"/>'s rules said to notify about <paramref name="eventId"/> (kept if the
    /// evaluator already wrote the row) and tells the observers, as persisting does.
    /// </summary>
    public static async Task NotifyAsync(this LiveServer server, string userId, string roomId, string eventId,
        string actionsJson = """["notify", {"set_tweak": "sound", "value": "default"}]""")
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO event_push_actions (user_id, room_id, event_id, stream_ordering, thread_id, notif, highlight, actions, ts)
            SELECT $1, room_id, event_id, stream_ordering, 'main', true, false, $3::jsonb, origin_server_ts
            FROM events WHERE event_id = $2
            ON CONFLICT (user_id, event_id) DO NOTHING
            RETURNING stream_ordering
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        command.Parameters.Add(new NpgsqlParameter { Value = actionsJson });
        var stream = await command.ExecuteScalarAsync() as long? ?? 0;
        var notification = new PushNotification(userId, roomId, eventId, stream, "main", true, false, actionsJson, 0);
        foreach (var observer in server.Instance.App.Services.GetServices<IPushNotificationObserver>())
        {
            observer.OnNotifications([notification]);
        }
    }

    /// <summary>The stored pusher's failure state (null when it is not failing, or gone).</summary>
    public static async Task<(long? FailingSince, long BackoffMs)?> PusherFailureAsync(this LiveServer server, string pushKey)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT failing_since, backoff_ms FROM pushers WHERE pushkey = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = pushKey });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return (await reader.IsDBNullAsync(0) ? null : reader.GetInt64(0), reader.GetInt64(1));
    }
}

/// <summary>The badge count the unread-count reader (evaluated elsewhere) would give.</summary>
public sealed class FixedUnreadCounts(int count) : IUnreadCountReader
{
    public Task<int> GetUnreadBadgeCountAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(count);
}
