using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.Rooms.DirectoryTestRooms;

namespace Homeserver.Host.Tests.Rooms;

public sealed class AliasTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task An_alias_made_by_a_member_resolves_to_its_room_and_names_this_server()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var alias = NewAlias();
        await MatrixAssert.OkAsync(await PutAliasAsync(alice, alias, roomId));

        var resolved = await Server.Anonymous.GetJsonAsync(AliasPath(alias));
        Assert.Equal(roomId, resolved.GetProperty("room_id").GetString());
        Assert.Equal(ServerName, resolved.GetProperty("servers")[0].GetString());
    }

    [Fact]
    public async Task An_unknown_alias_is_not_found()
    {
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(AliasPath(NewAlias())), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
    }

    [Fact]
    public async Task An_alias_of_a_server_that_cannot_be_reached_is_not_found()
    {
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(AliasPath("#room:elsewhere.example")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Theory]
    [InlineData("not-an-alias")]
    [InlineData("#no-domain")]
    [InlineData("#:localhost")]
    public async Task A_malformed_alias_is_an_invalid_param(string alias)
    {
        var alice = await Server.RegisterAsync();
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(AliasPath(alias)), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
        var roomId = await alice.CreateRoomAsync();
        await MatrixAssert.ErrorAsync(await PutAliasAsync(alice, alias, roomId), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
    }

    [Fact]
    public async Task An_alias_in_use_cannot_be_made_again_409()
    {
        var alice = await Server.RegisterAsync();
        var first = await alice.CreateRoomAsync();
        var second = await alice.CreateRoomAsync();
        var alias = NewAlias();
        await MatrixAssert.OkAsync(await PutAliasAsync(alice, alias, first));

        var body = await MatrixAssert.ErrorAsync(await PutAliasAsync(alice, alias, second), HttpStatusCode.Conflict,
            "M_UNKNOWN");
        Assert.Contains(alias, body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(first, (await Server.Anonymous.GetJsonAsync(AliasPath(alias))).GetProperty("room_id").GetString());
    }

    [Fact]
    public async Task An_alias_of_another_server_cannot_be_made_here()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await MatrixAssert.ErrorAsync(await PutAliasAsync(alice, "#room:elsewhere.example", roomId),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task An_alias_for_an_unknown_room_is_not_found()
    {
        var alice = await Server.RegisterAsync();
        await MatrixAssert.ErrorAsync(await PutAliasAsync(alice, NewAlias(), "!nosuchroom:localhost"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_user_outside_the_room_cannot_give_it_an_alias()
    {
        var alice = await Server.RegisterAsync();
        var mallory = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var alias = NewAlias();
        await MatrixAssert.ErrorAsync(await PutAliasAsync(mallory, alias, roomId), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(AliasPath(alias)), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_server_admin_may_give_any_room_an_alias()
    {
        var alice = await Server.RegisterAsync();
        var admin = await Server.RegisterAdminAsync();
        var roomId = await alice.CreateRoomAsync();
        await MatrixAssert.OkAsync(await PutAliasAsync(admin, NewAlias(), roomId));
    }

    [Fact]
    public async Task Guests_cannot_make_aliases()
    {
        var guest = await Server.RegisterGuestAsync();
        await MatrixAssert.ErrorAsync(await PutAliasAsync(guest, NewAlias(), "!any:localhost"), HttpStatusCode.Forbidden,
            "M_GUEST_ACCESS_FORBIDDEN");
    }

    [Fact]
    public async Task The_creator_of_an_alias_may_delete_it_and_it_stops_resolving()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var alias = NewAlias();
        await MatrixAssert.OkAsync(await PutAliasAsync(alice, alias, roomId));

        await MatrixAssert.OkAsync(await alice.Client.DeleteAsync(AliasPath(alias)));
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(AliasPath(alias)), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.DeleteAsync(AliasPath(alias)), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_member_without_power_over_the_canonical_alias_cannot_delete_someone_elses_alias()
    {
        var (alice, bob, roomId) = await PublicRoomWithTwoMembersAsync();
        var alias = NewAlias();
        await MatrixAssert.OkAsync(await PutAliasAsync(alice, alias, roomId));

        await MatrixAssert.ErrorAsync(await bob.Client.DeleteAsync(AliasPath(alias)), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        Assert.Equal(roomId, (await Server.Anonymous.GetJsonAsync(AliasPath(alias))).GetProperty("room_id").GetString());
    }

    [Fact]
    public async Task A_user_with_power_to_send_the_canonical_alias_may_delete_an_alias_made_by_another()
    {
        var (alice, bob, roomId) = await PublicRoomWithTwoMembersAsync();
        var alias = NewAlias();
        await MatrixAssert.OkAsync(await PutAliasAsync(bob, alias, roomId));

        await MatrixAssert.OkAsync(await alice.Client.DeleteAsync(AliasPath(alias)));
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(AliasPath(alias)), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_server_admin_may_delete_any_alias()
    {
        var alice = await Server.RegisterAsync();
        var admin = await Server.RegisterAdminAsync();
        var roomId = await alice.CreateRoomAsync();
        var alias = NewAlias();
        await MatrixAssert.OkAsync(await PutAliasAsync(alice, alias, roomId));

        await MatrixAssert.OkAsync(await admin.Client.DeleteAsync(AliasPath(alias)));
    }

    [Fact]
    public async Task The_room_aliases_list_is_for_members_and_names_every_local_alias()
    {
        var alice = await Server.RegisterAsync();
        var outsider = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var first = NewAlias();
        var second = NewAlias();
        await MatrixAssert.OkAsync(await PutAliasAsync(alice, first, roomId));
        await MatrixAssert.OkAsync(await PutAliasAsync(alice, second, roomId));
        var path = $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/aliases";

        var listed = (await alice.Client.GetJsonAsync(path)).GetProperty("aliases").EnumerateArray()
            .Select(a => a.GetString()).ToList();
        Assert.Equal([first, second], listed);
        await MatrixAssert.ErrorAsync(await outsider.Client.GetAsync(path), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Anyone_may_list_the_aliases_of_a_world_readable_room()
    {
        var alice = await Server.RegisterAsync();
        var outsider = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await MatrixAssert.OkAsync(await alice.TrySetStateAsync(roomId, "m.room.history_visibility", "",
            new JsonObject { ["history_visibility"] = "world_readable" }));
        var alias = NewAlias();
        await MatrixAssert.OkAsync(await PutAliasAsync(alice, alias, roomId));

        var listed = await outsider.Client.GetJsonAsync($"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/aliases");
        Assert.Equal(alias, listed.GetProperty("aliases")[0].GetString());
    }

    private async Task<(TestSession Alice, TestSession Bob, string RoomId)> PublicRoomWithTwoMembersAsync()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.JoinByIdOrAliasAsync(roomId);
        return (alice, bob, roomId);
    }
}
