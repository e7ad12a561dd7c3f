using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.Rooms.DirectoryTestRooms;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>m.room.canonical_alias validation, createRoom's room_alias_name, and joining by alias.</summary>
public sealed class AliasCanonicalTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_canonical_alias_pointing_to_the_room_is_accepted()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var alias = NewAlias();
        var alt = NewAlias();
        await MatrixAssert.OkAsync(await PutAliasAsync(alice, alias, roomId));
        await MatrixAssert.OkAsync(await PutAliasAsync(alice, alt, roomId));

        await MatrixAssert.OkAsync(await alice.TrySetStateAsync(roomId, "m.room.canonical_alias", "",
            new JsonObject { ["alias"] = alias, ["alt_aliases"] = new JsonArray(alt) }));
    }

    [Fact]
    public async Task A_canonical_alias_pointing_to_another_room_is_a_bad_alias()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var other = await alice.CreateRoomAsync();
        var alias = NewAlias();
        await MatrixAssert.OkAsync(await PutAliasAsync(alice, alias, other));

        await MatrixAssert.ErrorAsync(await alice.TrySetStateAsync(roomId, "m.room.canonical_alias", "",
            new JsonObject { ["alias"] = alias }), HttpStatusCode.BadRequest, "M_BAD_ALIAS");
    }

    [Fact]
    public async Task An_unknown_alias_in_alt_aliases_is_a_bad_alias()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await MatrixAssert.ErrorAsync(await alice.TrySetStateAsync(roomId, "m.room.canonical_alias", "",
            new JsonObject { ["alt_aliases"] = new JsonArray(NewAlias()) }), HttpStatusCode.BadRequest, "M_BAD_ALIAS");
    }

    [Fact]
    public async Task Another_servers_alias_cannot_be_shown_to_point_here_without_federation()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await MatrixAssert.ErrorAsync(await alice.TrySetStateAsync(roomId, "m.room.canonical_alias", "",
            new JsonObject { ["alias"] = "#room:elsewhere.example" }), HttpStatusCode.BadRequest, "M_BAD_ALIAS");
    }

    [Fact]
    public async Task A_malformed_canonical_alias_is_an_invalid_param()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await MatrixAssert.ErrorAsync(await alice.TrySetStateAsync(roomId, "m.room.canonical_alias", "",
            new JsonObject { ["alias"] = "no-sigil" }), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.TrySetStateAsync(roomId, "m.room.canonical_alias", "",
            new JsonObject { ["alt_aliases"] = new JsonArray(5) }), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Aliases_already_in_the_canonical_alias_event_are_not_checked_again()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var alias = NewAlias();
        await MatrixAssert.OkAsync(await PutAliasAsync(alice, alias, roomId));
        await MatrixAssert.OkAsync(await alice.TrySetStateAsync(roomId, "m.room.canonical_alias", "",
            new JsonObject { ["alias"] = alias }));
        await MatrixAssert.OkAsync(await alice.Client.DeleteAsync(AliasPath(alias)));

        // The alias no longer exists, but it was already listed: a change to the rest of the event is accepted.
        await MatrixAssert.OkAsync(await alice.TrySetStateAsync(roomId, "m.room.canonical_alias", "",
            new JsonObject { ["alias"] = alias, ["alt_aliases"] = new JsonArray() }));
    }

    [Fact]
    public async Task CreateRoom_with_an_alias_name_maps_the_alias_and_sets_the_canonical_alias()
    {
        var alice = await Server.RegisterAsync();
        var localpart = LiveServer.UniqueUsername("named");
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["room_alias_name"] = localpart });
        var alias = $"#{localpart}:{ServerName}";

        Assert.Equal(roomId, (await Server.Anonymous.GetJsonAsync(AliasPath(alias))).GetProperty("room_id").GetString());
        var canonical = await alice.Client.GetJsonAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state/m.room.canonical_alias/");
        Assert.Equal(alias, canonical.GetProperty("alias").GetString());
    }

    [Fact]
    public async Task CreateRoom_with_a_taken_alias_name_is_room_in_use_and_creates_no_room()
    {
        var alice = await Server.RegisterAsync();
        var localpart = LiveServer.UniqueUsername("taken");
        var first = await alice.CreateRoomAsync(new JsonObject { ["room_alias_name"] = localpart });

        var response = await alice.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["room_alias_name"] = localpart, ["name"] = "second" });
        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_ROOM_IN_USE");

        var joined = await alice.Client.GetJsonAsync("/_matrix/client/v3/joined_rooms");
        Assert.Equal([first], joined.GetProperty("joined_rooms").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(first, (await Server.Anonymous.GetJsonAsync(AliasPath($"#{localpart}:{ServerName}")))
            .GetProperty("room_id").GetString());
    }

    [Theory]
    [InlineData("with:colon")]
    [InlineData("with space")]
    public async Task CreateRoom_with_an_invalid_alias_name_is_an_invalid_param(string localpart)
    {
        var alice = await Server.RegisterAsync();
        var response = await alice.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["room_alias_name"] = localpart });
        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        var joined = await alice.Client.GetJsonAsync("/_matrix/client/v3/joined_rooms");
        Assert.Empty(joined.GetProperty("joined_rooms").EnumerateArray());
    }

    [Fact]
    public async Task A_user_joins_a_public_room_by_its_local_alias()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var localpart = LiveServer.UniqueUsername("joinme");
        var roomId = await alice.CreateRoomAsync(
            new JsonObject { ["preset"] = "public_chat", ["room_alias_name"] = localpart });

        var response = await bob.Client.PostAsJsonAsync(
            "/_matrix/client/v3/join/" + Uri.EscapeDataString($"#{localpart}:{ServerName}"), new JsonObject());
        Assert.Equal(roomId, (await MatrixAssert.OkAsync(response)).GetProperty("room_id").GetString());
        var joined = await bob.Client.GetJsonAsync("/_matrix/client/v3/joined_rooms");
        Assert.Contains(roomId, joined.GetProperty("joined_rooms").EnumerateArray().Select(r => r.GetString()));
    }

    [Theory]
    [InlineData("#nosuchalias:localhost")]
    [InlineData("#room:elsewhere.example")] // its server cannot be reached
    public async Task Joining_by_an_unknown_or_unresolvable_alias_is_not_found(string alias)
    {
        var bob = await Server.RegisterAsync();
        var response = await bob.Client.PostAsJsonAsync("/_matrix/client/v3/join/" + Uri.EscapeDataString(alias),
            new JsonObject());
        await MatrixAssert.ErrorAsync(response, HttpStatusCode.NotFound, "M_NOT_FOUND");
    }
}
