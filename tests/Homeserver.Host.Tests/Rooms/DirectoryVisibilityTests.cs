using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>GET/PUT /directory/list/room/{roomId} and createRoom's visibility.</summary>
public sealed class DirectoryVisibilityTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string ListPath(string roomId) => "/_matrix/client/v3/directory/list/room/" + Uri.EscapeDataString(roomId);

    private async Task<string> VisibilityAsync(string roomId) =>
        (await Server.Anonymous.GetJsonAsync(ListPath(roomId))).GetProperty("visibility").GetString()!;

    [Fact]
    public async Task A_new_room_is_private_unless_created_with_public_visibility()
    {
        var alice = await Server.RegisterAsync();
        var hidden = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var shown = await alice.CreateRoomAsync(new JsonObject { ["visibility"] = "public" });

        Assert.Equal("private", await VisibilityAsync(hidden));
        Assert.Equal("public", await VisibilityAsync(shown));
    }

    [Fact]
    public async Task The_visibility_of_an_unknown_room_is_not_found()
    {
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ListPath("!unknown:localhost")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_user_with_power_over_the_canonical_alias_publishes_and_unpublishes_the_room()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(ListPath(roomId), new JsonObject { ["visibility"] = "public" }));
        Assert.Equal("public", await VisibilityAsync(roomId));
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(ListPath(roomId), new JsonObject { ["visibility"] = "private" }));
        Assert.Equal("private", await VisibilityAsync(roomId));
    }

    [Fact]
    public async Task A_member_without_power_over_the_canonical_alias_cannot_publish_the_room()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.JoinByIdOrAliasAsync(roomId);

        await MatrixAssert.ErrorAsync(await bob.Client.PutAsJsonAsync(ListPath(roomId),
            new JsonObject { ["visibility"] = "public" }), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Equal("private", await VisibilityAsync(roomId));
    }

    [Fact]
    public async Task A_user_outside_the_room_cannot_publish_it()
    {
        var alice = await Server.RegisterAsync();
        var mallory = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await mallory.Client.PutAsJsonAsync(ListPath(roomId),
            new JsonObject { ["visibility"] = "public" }), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_server_admin_may_publish_any_room()
    {
        var alice = await Server.RegisterAsync();
        var admin = await Server.RegisterAdminAsync();
        var roomId = await alice.CreateRoomAsync();

        await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync(ListPath(roomId), new JsonObject { ["visibility"] = "public" }));
        Assert.Equal("public", await VisibilityAsync(roomId));
    }

    [Fact]
    public async Task An_unknown_visibility_value_is_an_invalid_param()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync(ListPath(roomId),
            new JsonObject { ["visibility"] = "secret" }), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Publishing_an_unknown_room_is_not_found()
    {
        var admin = await Server.RegisterAdminAsync();
        await MatrixAssert.ErrorAsync(await admin.Client.PutAsJsonAsync(ListPath("!unknown:localhost"),
            new JsonObject { ["visibility"] = "public" }), HttpStatusCode.NotFound, "M_NOT_FOUND");
    }
}
