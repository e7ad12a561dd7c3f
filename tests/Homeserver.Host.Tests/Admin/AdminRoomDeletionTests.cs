using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Admin.Rooms;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Homeserver.Host.Tests.Admin;

/// <summary>Synapse's admin API for deleting rooms (v2, a background job) and purging history.</summary>
public sealed class AdminRoomDeletionTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    private AdminRoomJobs Jobs => Server.Instance.App.Services.GetRequiredService<AdminRoomJobs>();

    private static string V2Room(string roomId, string rest = "") =>
        $"/_synapse/admin/v2/rooms/{RoomSteps.Escape(roomId)}{rest}";

    private static async Task<HttpResponseMessage> DeleteAsync(TestSession admin, string roomId, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, V2Room(roomId)) { Content = JsonContent.Create(body) };
        return await admin.Client.SendAsync(request);
    }

    /// <summary>Deletes the room and waits for the job; returns its status as delete_status/{id} shows it.</summary>
    private async Task<JsonElement> DeleteAndWaitAsync(TestSession admin, string roomId, JsonObject body)
    {
        var deleteId = (await MatrixAssert.OkAsync(await DeleteAsync(admin, roomId, body))).GetProperty("delete_id").GetString()!;
        await Jobs.WhenFinishedAsync(deleteId);
        return await admin.GetJsonAsync($"/_synapse/admin/v2/rooms/delete_status/{deleteId}");
    }

    private async Task<long> RowsAsync(string sql, string roomId)
    {
        await using var dataSource = NpgsqlDataSource.Create(Server.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = roomId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Deleting_a_room_is_refused_to_a_non_admin_and_audited()
    {
        var user = await Server.RegisterAsync();
        var roomId = await user.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await DeleteAsync(user, roomId, new JsonObject()), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await AdminAudit.AssertLastAsync(Server, roomId, user.UserId, "DELETE", "/_synapse/admin/v2/rooms/{roomId}", 403,
            "M_FORBIDDEN");
    }

    [Fact]
    public async Task Delete_kicks_local_members_moves_them_and_the_aliases_to_a_new_room_and_purges_the_room()
    {
        var (admin, owner) = await AdminAndUserAsync();
        var member = await Server.RegisterAsync();
        var roomId = await owner.SharedRoomAsync(member);
        var alias = $"#gone{Guid.NewGuid():N}:{owner.UserId.Split(':')[1]}";
        await MatrixAssert.OkAsync(await owner.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/directory/room/{RoomSteps.Escape(alias)}", new JsonObject { ["room_id"] = roomId }));
        await owner.SendTextAsync(roomId, "bad content");

        var status = await DeleteAndWaitAsync(admin, roomId, new JsonObject
        {
            ["new_room_user_id"] = admin.UserId, ["room_name"] = "Moved", ["message"] = "This room is gone",
            ["block"] = true,
        });

        Assert.True(status.GetProperty("status").GetString() == "complete", status.ToString());
        Assert.Equal(roomId, status.GetProperty("room_id").GetString());
        var shutdown = status.GetProperty("shutdown_room");
        Assert.Equal(new[] { owner.UserId, member.UserId }.Order(),
            shutdown.GetProperty("kicked_users").EnumerateArray().Select(u => u.GetString()!).Order());
        Assert.Empty(shutdown.GetProperty("failed_to_kick_users").EnumerateArray());
        Assert.Equal([alias], shutdown.GetProperty("local_aliases").EnumerateArray().Select(a => a.GetString()!));
        var newRoom = shutdown.GetProperty("new_room_id").GetString()!;
        Assert.Contains(newRoom, (await member.GetJsonAsync("/_matrix/client/v3/joined_rooms"))
            .GetProperty("joined_rooms").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(newRoom, (await member.GetJsonAsync($"/_matrix/client/v3/directory/room/{RoomSteps.Escape(alias)}"))
            .GetProperty("room_id").GetString());
        Assert.Equal(0, await RowsAsync("SELECT count(*) FROM events WHERE room_id = $1", roomId));
        Assert.Equal(0, await RowsAsync("SELECT count(*) FROM state_groups WHERE room_id = $1", roomId));
        Assert.Equal(0, await RowsAsync("SELECT count(*) FROM rooms WHERE room_id = $1", roomId));
        await MatrixAssert.ErrorAsync(await member.TryJoinAsync(roomId), HttpStatusCode.Forbidden, "M_UNKNOWN");

        var byRoom = await admin.GetJsonAsync(V2Room(roomId, "/delete_status"));
        Assert.Equal(status.GetProperty("delete_id").GetString(),
            byRoom.GetProperty("results")[0].GetProperty("delete_id").GetString());
    }

    [Fact]
    public async Task Another_user_s_sync_keeps_working_after_a_room_they_left_is_purged()
    {
        var (admin, owner) = await AdminAndUserAsync();
        var other = await Server.RegisterAsync();
        var purged = await owner.SharedRoomAsync(other);
        var kept = await owner.SharedRoomAsync(other);
        await other.SendTextAsync(purged, "soon gone");
        await other.LeaveAsync(purged);
        var since = (await other.GetJsonAsync("/_matrix/client/v3/sync")).GetProperty("next_batch").GetString();
        await owner.SendTextAsync(kept, "after");

        var status = await DeleteAndWaitAsync(admin, purged, new JsonObject());

        Assert.Equal("complete", status.GetProperty("status").GetString());
        var incremental = await other.GetJsonAsync($"/_matrix/client/v3/sync?since={since}");
        Assert.Equal(["after"], incremental.GetProperty("rooms").GetProperty("join").GetProperty(kept)
            .GetProperty("timeline").GetProperty("events").Bodies());
        var initial = await other.GetJsonAsync("/_matrix/client/v3/sync");
        Assert.True(initial.GetProperty("rooms").GetProperty("join").TryGetProperty(kept, out _));
        Assert.False(initial.GetProperty("rooms").TryGetProperty("leave", out var left) && left.TryGetProperty(purged, out _));
        await owner.SendTextAsync(kept, "still writable");
    }

    [Fact]
    public async Task Deleting_an_unknown_room_fails_in_its_status_and_bad_requests_are_400()
    {
        var admin = await Server.RegisterAdminAsync();
        var status = await DeleteAndWaitAsync(admin, "!nosuchroom:localhost", new JsonObject());

        Assert.Equal("failed", status.GetProperty("status").GetString());
        Assert.Equal("Unknown room id !nosuchroom:localhost", status.GetProperty("error").GetString());
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync("/_synapse/admin/v2/rooms/delete_status/unknown"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await DeleteAsync(admin, "!x:localhost", new JsonObject { ["purge"] = "yes" }),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await DeleteAsync(admin, "not-a-room", new JsonObject()),
            HttpStatusCode.BadRequest, "M_UNKNOWN");
    }

    [Fact]
    public async Task Purge_history_removes_older_messages_but_never_the_current_state()
    {
        var (admin, owner) = await AdminAndUserAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["name"] = "Kept name" });
        await owner.SendTextAsync(roomId, "old one");
        await owner.SendTextAsync(roomId, "old two");
        var boundary = await owner.SendTextAsync(roomId, "new");

        var started = await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(
            $"/_synapse/admin/v1/purge_history/{RoomSteps.Escape(roomId)}/{RoomSteps.Escape(boundary)}",
            new JsonObject { ["delete_local_events"] = true }));
        var purgeId = started.GetProperty("purge_id").GetString()!;
        await Jobs.WhenFinishedAsync(purgeId);

        var status = await admin.GetJsonAsync($"/_synapse/admin/v1/purge_history_status/{purgeId}");
        Assert.Equal("complete", status.GetProperty("status").GetString());
        Assert.Equal(["new"], (await owner.MessagesAsync(roomId)).GetProperty("chunk").Bodies());
        Assert.Equal("Kept name", (await owner.GetStateAsync(roomId, "m.room.name", "")).GetProperty("name").GetString());
        Assert.Equal(0, await RowsAsync(
            "SELECT count(*) FROM current_state c WHERE room_id = $1 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = c.event_id)",
            roomId));
        await owner.SendTextAsync(roomId, "after the purge");
        await AdminAudit.AssertLastAsync(Server, roomId, admin.UserId, "POST",
            "/_synapse/admin/v1/purge_history/{roomId}/{eventId}", 200);
    }

    [Fact]
    public async Task Purge_history_keeps_local_events_unless_asked_and_validates_its_body()
    {
        var (admin, owner) = await AdminAndUserAsync();
        var roomId = await owner.CreateRoomAsync();
        await owner.SendTextAsync(roomId, "local");
        var boundary = await owner.SendTextAsync(roomId, "boundary");

        var started = await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(
            $"/_synapse/admin/v1/purge_history/{RoomSteps.Escape(roomId)}",
            new JsonObject { ["purge_up_to_event_id"] = boundary }));
        await Jobs.WhenFinishedAsync(started.GetProperty("purge_id").GetString()!);

        Assert.Contains("local", (await owner.MessagesAsync(roomId)).GetProperty("chunk").Bodies());
        await MatrixAssert.ErrorAsync(await admin.Client.PostAsJsonAsync(
            $"/_synapse/admin/v1/purge_history/{RoomSteps.Escape(roomId)}", new JsonObject()),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await admin.Client.PostAsJsonAsync(
            $"/_synapse/admin/v1/purge_history/{RoomSteps.Escape(roomId)}", new JsonObject { ["purge_up_to_ts"] = "soon" }),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync("/_synapse/admin/v1/purge_history_status/nope"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }
}
