using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>synadm (Debian's package), a real client of Synapse's admin API, lists rooms and members here.</summary>
public sealed class SynadmRoomTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    [Fact]
    public async Task Synadm_lists_rooms_and_a_room_s_members_as_json()
    {
        var (admin, member) = await AdminAndUserAsync();
        using var synadm = new SynadmCli(Server, admin);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var roomId = await admin.CreateRoomAsync(new JsonObject { ["name"] = $"synadm {tag}", ["preset"] = "public_chat" });
        await member.JoinAsync(roomId);

        var list = await synadm.RunAsync("room", "list", "--name", tag);
        var room = Assert.Single(list.GetProperty("rooms").EnumerateArray());
        Assert.Equal(roomId, room.GetProperty("room_id").GetString());
        Assert.Equal($"synadm {tag}", room.GetProperty("name").GetString());
        Assert.Equal(2, room.GetProperty("joined_members").GetInt32());
        Assert.Equal(1, list.GetProperty("total_rooms").GetInt32());

        var members = await synadm.RunAsync("room", "members", roomId);
        Assert.Equal(new[] { admin.UserId, member.UserId }.Order(),
            members.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).Order());
        Assert.Equal(2, members.GetProperty("total").GetInt32());
        await AdminAudit.AssertLastAsync(Server, roomId, admin.UserId, "GET", "/_synapse/admin/v1/rooms/{roomId}/members",
            200);
    }
}
