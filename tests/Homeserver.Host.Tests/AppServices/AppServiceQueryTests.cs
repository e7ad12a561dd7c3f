using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.AppServices;

/// <summary>The homeserver asking appservices: unknown users and aliases in their namespaces, third-party lookups.</summary>
public sealed class AppServiceQueryTests
{
    [Fact]
    public async Task The_profile_of_an_unknown_namespaced_user_is_asked_of_the_appservice_which_may_make_it()
    {
        await using var server = await AppServiceServer.StartAsync();
        var alice = await server.Server.RegisterAsync();
        var name = LiveServer.UniqueUsername("ghost_");
        server.Fake.Handler = async request =>
        {
            await server.Server.RegisterAsync(name); // the bridge makes its ghost when asked
            return (200, "{}");
        };

        var profile = await MatrixAssert.OkAsync(await alice.Client.GetAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape($"@{name}:localhost")}"));

        Assert.Equal(name, profile.GetProperty("displayname").GetString());
        var query = Assert.Single(server.Fake.Requests);
        Assert.Equal(("GET", $"/_matrix/app/v1/users/@{name}:localhost"), (query.Method, query.Path)); // decoded
        Assert.Equal("Bearer hs_token_bridge", query.Authorization);
    }

    [Fact]
    public async Task An_unknown_user_the_appservice_does_not_make_is_not_found_and_others_are_not_asked()
    {
        await using var server = await AppServiceServer.StartAsync();
        var alice = await server.Server.RegisterAsync();
        server.Fake.Handler = _ => Task.FromResult((404, """{"errcode":"M_NOT_FOUND","error":"no"}"""));

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync("/_matrix/client/v3/profile/%40ghost_x%3Alocalhost"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync("/_matrix/client/v3/profile/%40nobody%3Alocalhost"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");

        Assert.Single(server.Fake.Requests); // only the namespaced user was asked about
    }

    [Fact]
    public async Task An_unknown_namespaced_alias_is_asked_of_the_appservice_then_looked_up_again()
    {
        await using var server = await AppServiceServer.StartAsync();
        var alice = await server.Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var alias = $"#bridged_{Guid.NewGuid():N}:localhost";
        server.Fake.Handler = async _ =>
        {
            await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
                $"/_matrix/client/v3/directory/room/{RoomSteps.Escape(alias)}", new JsonObject { ["room_id"] = room }));
            return (200, "{}");
        };

        var found = await MatrixAssert.OkAsync(await alice.Client.GetAsync(
            $"/_matrix/client/v3/directory/room/{RoomSteps.Escape(alias)}"));

        Assert.Equal(room, found.GetProperty("room_id").GetString());
        // The room now has an alias in the appservice's namespace, so its events may also be on their way there.
        var query = Assert.Single(server.Queries);
        Assert.Equal($"/_matrix/app/v1/rooms/{alias}", query.Path); // decoded: '#' arrived escaped
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync("/_matrix/client/v3/directory/room/%23other%3Alocalhost"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.Single(server.Queries);
    }

    [Fact]
    public async Task Protocols_are_merged_from_every_appservice_with_instance_ids()
    {
        await using var other = await FakeAppService.StartAsync();
        await using var server = await AppServiceServer.StartAsync(otherUrl: other.Url.AbsoluteUri.TrimEnd('/'));
        var alice = await server.Server.RegisterAsync();
        server.Fake.Handler = _ => Task.FromResult((200, """
            {"user_fields":["nick"],"location_fields":["channel"],"icon":"mxc://a/b","field_types":{},
             "instances":[{"desc":"Libera","network_id":"libera","fields":{}}]}
            """));
        other.Handler = _ => Task.FromResult((200, """
            {"user_fields":["x"],"location_fields":["y"],"icon":"mxc://c/d","field_types":{},
             "instances":[{"desc":"OFTC","network_id":"oftc","fields":{}}]}
            """));

        var protocols = await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/thirdparty/protocols"));
        var single = await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/thirdparty/protocol/irc"));

        foreach (var irc in new[] { protocols.GetProperty("irc"), single })
        {
            Assert.Equal("mxc://a/b", irc.GetProperty("icon").GetString());
            Assert.Equal(["bridge|libera", "other|oftc"], irc.GetProperty("instances").EnumerateArray()
                .Select(i => i.GetProperty("instance_id").GetString()));
        }

        Assert.Equal("/_matrix/app/v1/thirdparty/protocol/irc", server.Fake.Requests.First().Path);
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync("/_matrix/client/v3/thirdparty/protocol/xmpp"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Location_lookups_pass_the_fields_on_and_keep_well_formed_answers()
    {
        await using var server = await AppServiceServer.StartAsync();
        var alice = await server.Server.RegisterAsync();
        server.Fake.Handler = _ => Task.FromResult((200, """
            [{"alias":"#irc_chan:localhost","protocol":"irc","fields":{"channel":"#chan"}},
             {"alias":"#broken:localhost","protocol":"irc"},
             "nonsense"]
            """));

        var found = await MatrixAssert.OkAsync(await alice.Client.GetAsync(
            "/_matrix/client/v3/thirdparty/location/irc?channel=%23chan&access_token=" + alice.AccessToken));
        var reverse = await MatrixAssert.OkAsync(await alice.Client.GetAsync(
            "/_matrix/client/v3/thirdparty/location?alias=%23irc_chan%3Alocalhost"));

        Assert.Equal(["#irc_chan:localhost"], found.EnumerateArray().Select(l => l.GetProperty("alias").GetString()));
        Assert.Single(reverse.EnumerateArray());
        var requests = server.Fake.Requests.ToList();
        Assert.Equal(("/_matrix/app/v1/thirdparty/location/irc", "?channel=%23chan"), (requests[0].Path, requests[0].Query));
        Assert.Equal(("/_matrix/app/v1/thirdparty/location", "?alias=%23irc_chan%3Alocalhost"), (requests[1].Path, requests[1].Query));
    }
}
