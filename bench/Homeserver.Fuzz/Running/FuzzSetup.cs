using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Fuzz.Generation;

namespace Homeserver.Fuzz.Running;

/// <summary>Thrown when the server does not let the fuzzer make its users, rooms or events.</summary>
public sealed class FuzzSetupException(string message) : Exception(message);

/// <summary>
/// The setup phase: users, rooms with events of several kinds (message, thread reply, reaction, state), an alias,
/// filters, sync and pagination tokens, a key backup: the real IDs the requests then use. Also the repairs between
/// batches (rejoin, a fresh room, a new login for a user whose session a request ended).
/// </summary>
public sealed class FuzzSetup(FuzzHttp http, string runId)
{
    public const string Password = "fuzz-password-0123";
    private const string V3 = "/_matrix/client/v3";
    private int _users;
    private int _rooms;

    public async Task<FuzzContext> RunAsync(int userCount, CancellationToken ct)
    {
        var sessions = new List<FuzzSession>();
        for (var i = 0; i < userCount; i++)
        {
            sessions.Add(await RegisterAsync("u", ct));
        }

        var context = new FuzzContext { ServerName = sessions[0].UserId[(sessions[0].UserId.IndexOf(':', StringComparison.Ordinal) + 1)..], Sessions = sessions };
        for (var i = 0; i < Math.Min(3, userCount + 1); i++)
        {
            await AddRoomAsync(context, i % userCount, ct);
        }

        var foreign = await CreateRoomAsync(sessions[^1], new JsonObject { ["preset"] = "private_chat" }, ct);
        context.ForeignRoomId = foreign;
        foreach (var session in sessions)
        {
            var filter = await OkAsync("POST", $"{V3}/user/{Escape(session.UserId)}/filter", session,
                JsonNode.Parse("""{"room":{"timeline":{"limit":10}},"presence":{"not_types":["*"]}}"""), ct);
            context.FilterIds.Add(filter.GetProperty("filter_id").GetString()!);
            var sync = await OkAsync("GET", $"{V3}/sync?timeout=0", session, null, ct);
            context.SyncTokens.Add(sync.GetProperty("next_batch").GetString()!);
        }

        var messages = await OkAsync("GET", $"{V3}/rooms/{Escape(context.Rooms[0].RoomId)}/messages?dir=b&limit=2",
            sessions[0], null, ct);
        if (messages.TryGetProperty("end", out var end))
        {
            context.PaginationTokens.Add(end.GetString()!);
        }

        context.PaginationTokens.Add(messages.GetProperty("start").GetString()!);
        var backup = await http.JsonAsync("POST", $"{V3}/room_keys/version", sessions[0].AccessToken,
            JsonNode.Parse("""{"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":{"public_key":"abcdefg"}}"""), ct);
        if (FuzzHttp.IsOk(backup))
        {
            context.KeyBackupVersion = backup.Json().GetProperty("version").GetString();
        }

        return context;
    }

    /// <summary>A new user with its first device (username <c>fuzz{run}{kind}{n}</c>).</summary>
    public async Task<FuzzSession> RegisterAsync(string kind, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["username"] = $"fuzz{runId}{kind}{Interlocked.Increment(ref _users)}",
            ["password"] = Password,
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy" },
        };
        var response = await RetryAsync(() => http.JsonAsync("POST", $"{V3}/register", null, body, ct), ct);
        if (response.Status == 401 && response.Json().TryGetProperty("session", out var session))
        {
            body["auth"]!["session"] = session.GetString();
            response = await RetryAsync(() => http.JsonAsync("POST", $"{V3}/register", null, body, ct), ct);
        }

        var json = Ok(response, "register");
        return new FuzzSession(json.GetProperty("user_id").GetString()!, json.GetProperty("device_id").GetString()!,
            json.GetProperty("access_token").GetString()!);
    }

    /// <summary>Between batches: every user back into the rooms, a fresh room, new logins for ended sessions.</summary>
    public async Task RepairAsync(FuzzContext context, CancellationToken ct)
    {
        for (var i = 0; i < context.Sessions.Count; i++)
        {
            var session = context.Sessions[i];
            if ((await http.JsonAsync("GET", $"{V3}/account/whoami", session.AccessToken, null, ct)).Status == 401)
            {
                var login = Ok(await http.JsonAsync("POST", $"{V3}/login", null, new JsonObject
                {
                    ["type"] = "m.login.password",
                    ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = session.UserId },
                    ["password"] = Password,
                }, ct), "login");
                context.Sessions[i] = session with
                {
                    DeviceId = login.GetProperty("device_id").GetString()!,
                    AccessToken = login.GetProperty("access_token").GetString()!,
                };
            }
        }

        foreach (var room in context.Rooms)
        {
            foreach (var member in room.Members)
            {
                await http.JsonAsync("POST", $"{V3}/join/{Escape(room.RoomId)}", context.Sessions[member].AccessToken,
                    new JsonObject(), ct);
            }
        }

        await AddRoomAsync(context, _rooms % context.Sessions.Count, ct);
    }

    private async Task AddRoomAsync(FuzzContext context, int creatorIndex, CancellationToken ct)
    {
        var creator = context.Sessions[creatorIndex];
        var alias = $"fuzz{runId}r{Interlocked.Increment(ref _rooms)}";
        var roomId = await CreateRoomAsync(creator, new JsonObject
        {
            ["preset"] = "public_chat",
            ["room_alias_name"] = alias,
            ["name"] = "fuzz room",
            ["topic"] = "fuzzing",
        }, ct);
        var members = new List<int> { creatorIndex };
        for (var i = 0; i < context.Sessions.Count; i++)
        {
            if (i != creatorIndex)
            {
                await OkAsync("POST", $"{V3}/join/{Escape(roomId)}", context.Sessions[i], new JsonObject(), ct);
                members.Add(i);
            }
        }

        var other = context.Sessions[members[^1]];
        var events = new List<string>();
        var message = await SendAsync(roomId, creator, "m.room.message",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "hello fuzz" }, ct);
        events.Add(message);
        events.Add(await SendAsync(roomId, other, "m.room.message", JsonNode.Parse($$$"""
            {"msgtype":"m.text","body":"thread reply","m.relates_to":{"rel_type":"m.thread","event_id":"{{{message}}}"}}
            """)!.AsObject(), ct));
        events.Add(await SendAsync(roomId, other, "m.reaction", JsonNode.Parse($$$"""
            {"m.relates_to":{"rel_type":"m.annotation","event_id":"{{{message}}}","key":"👍"}}
            """)!.AsObject(), ct));
        var topic = await OkAsync("PUT", $"{V3}/rooms/{Escape(roomId)}/state/m.room.topic/", creator,
            new JsonObject { ["topic"] = "changed" }, ct);
        events.Add(topic.GetProperty("event_id").GetString()!);
        context.Rooms.Add(new FuzzRoom(roomId, $"#{alias}:{context.ServerName}", events, members));
    }

    private async Task<string> CreateRoomAsync(FuzzSession creator, JsonObject body, CancellationToken ct) =>
        (await OkAsync("POST", $"{V3}/createRoom", creator, body, ct)).GetProperty("room_id").GetString()!;

    private async Task<string> SendAsync(string roomId, FuzzSession sender, string type, JsonObject content,
        CancellationToken ct) =>
        (await OkAsync("PUT", $"{V3}/rooms/{Escape(roomId)}/send/{type}/setup{Guid.NewGuid():N}", sender, content, ct))
        .GetProperty("event_id").GetString()!;

    private async Task<JsonElement> OkAsync(string method, string path, FuzzSession session, JsonNode? body,
        CancellationToken ct) =>
        Ok(await RetryAsync(() => http.JsonAsync(method, path, session.AccessToken, body, ct), ct), $"{method} {path}");

    /// <summary>Waits out 429s (the server's rate limits are not what the setup is about).</summary>
    private static async Task<FuzzResponse> RetryAsync(Func<Task<FuzzResponse>> send, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await send();
            if (response.Status != 429 || attempt == 20)
            {
                return response;
            }

            var wait = response.Json().TryGetProperty("retry_after_ms", out var ms) && ms.TryGetInt64(out var value)
                ? Math.Min(value, 10_000) : 1000;
            await Task.Delay(TimeSpan.FromMilliseconds(wait), ct);
        }
    }

    private static JsonElement Ok(FuzzResponse response, string what) => response.Status == 200
        ? response.Json()
        : throw new FuzzSetupException($"setup: {what} answered {response.Status} {response.Failure} {Truncate(response.Body)}");

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
