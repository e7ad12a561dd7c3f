using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Tests.Keys;
using Homeserver.Host.Tests.Media;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation.Client;
using Microsoft.Extensions.DependencyInjection;
using NetVips;

namespace Homeserver.Host.Tests.Federation;

/// <summary>Two servers started once for the query tests: hs1 holds the data, hs2's clients ask for it.</summary>
public sealed class QueryClusterFixture : IAsyncLifetime
{
    public FederationCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await FederationCluster.StartAsync(2);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// The federation queries end to end: hs2's client API answers for hs1's aliases, profiles, keys, media and
/// directory by asking hs1 over federation; hs1 serves hierarchy, devices and OpenID to hs2 and third parties.
/// </summary>
public sealed class FederationQueryTests(QueryClusterFixture fixture) : IClassFixture<QueryClusterFixture>
{
    private const string Hs1 = "hs1.test";
    private LiveServer First => fixture.Cluster[0];
    private LiveServer Second => fixture.Cluster[1];

    [Fact]
    public async Task A_remote_alias_resolves_through_its_server_naming_the_servers_in_the_room()
    {
        var alice = await First.RegisterAsync();
        var bob = await Second.RegisterAsync();
        var name = LiveServer.UniqueUsername("alias");
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["room_alias_name"] = name });

        var found = await MatrixAssert.OkAsync(await bob.Client.GetAsync(
            "/_matrix/client/v3/directory/room/" + RoomSteps.Escape($"#{name}:{Hs1}")));
        var missing = await bob.Client.GetAsync(
            "/_matrix/client/v3/directory/room/" + RoomSteps.Escape($"#no-{name}:{Hs1}"));

        Assert.Equal(roomId, found.GetProperty("room_id").GetString());
        Assert.Equal([Hs1], found.GetProperty("servers").EnumerateArray().Select(s => s.GetString()));
        await MatrixAssert.ErrorAsync(missing, HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_remote_users_profile_is_read_from_their_server()
    {
        var alice = await First.RegisterAsync();
        var bob = await Second.RegisterAsync();
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(alice.UserId)}/displayname",
            new JsonObject { ["displayname"] = "Alice of hs1" }));

        var profile = await MatrixAssert.OkAsync(await bob.Client.GetAsync(
            "/_matrix/client/v3/profile/" + RoomSteps.Escape(alice.UserId)));
        var field = await MatrixAssert.OkAsync(await bob.Client.GetAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(alice.UserId)}/displayname"));
        var nobody = await bob.Client.GetAsync("/_matrix/client/v3/profile/" +
                                               RoomSteps.Escape($"@{LiveServer.UniqueUsername("nobody")}:{Hs1}"));

        Assert.Equal("Alice of hs1", profile.GetProperty("displayname").GetString());
        Assert.Equal("Alice of hs1", field.GetProperty("displayname").GetString());
        await MatrixAssert.ErrorAsync(nobody, HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_remote_users_device_keys_are_queried_and_one_time_keys_claimed_through_the_client_api()
    {
        var alice = await First.RegisterAsync(deviceDisplayName: "Alice's phone");
        var bob = await Second.RegisterAsync();
        var key = new TestKey();
        await alice.UploadKeysAsync(new JsonObject
        {
            ["device_keys"] = alice.DeviceKeys(key),
            ["one_time_keys"] = KeySteps.CurveKeys(false, "AAAA"),
            ["fallback_keys"] = KeySteps.CurveKeys(true, "FFFF"),
        });

        var query = await bob.QueryKeysAsync(alice.UserId);
        var first = await bob.ClaimKeyAsync(alice.UserId, alice.DeviceId);
        var second = await bob.ClaimKeyAsync(alice.UserId, alice.DeviceId);

        var device = query.GetProperty("device_keys").GetProperty(alice.UserId).GetProperty(alice.DeviceId);
        Assert.Equal(key.PublicKey, device.GetProperty("keys").GetProperty("ed25519:" + alice.DeviceId).GetString());
        Assert.Equal("Alice's phone",
            device.GetProperty("unsigned").GetProperty("device_display_name").GetString());
        Assert.Empty(query.GetProperty("failures").EnumerateObject());
        Assert.Equal("key-AAAA", first!.Value.GetProperty("signed_curve25519:AAAA").GetProperty("key").GetString());
        Assert.Equal("key-FFFF", second!.Value.GetProperty("signed_curve25519:FFFF").GetProperty("key").GetString());
    }

    [Fact]
    public async Task A_users_devices_are_listed_for_another_server()
    {
        var alice = await First.RegisterAsync(deviceDisplayName: "Alice's laptop");
        var key = await alice.UploadDeviceKeysAsync();

        var devices = await FederationGetAsync("/_matrix/federation/v1/user/devices/" +
                                               RoomSteps.Escape(alice.UserId));

        Assert.Equal(alice.UserId, devices.GetProperty("user_id").GetString());
        Assert.Equal(JsonValueKind.Number, devices.GetProperty("stream_id").ValueKind);
        var device = Assert.Single(devices.GetProperty("devices").EnumerateArray());
        Assert.Equal(alice.DeviceId, device.GetProperty("device_id").GetString());
        Assert.Equal("Alice's laptop", device.GetProperty("device_display_name").GetString());
        Assert.Equal(key.PublicKey,
            device.GetProperty("keys").GetProperty("keys").GetProperty("ed25519:" + alice.DeviceId).GetString());
    }

    [Fact]
    public async Task Remote_media_is_downloaded_and_thumbnailed_through_the_client_api()
    {
        var alice = await First.RegisterAsync();
        var bob = await Second.RegisterAsync();
        var image = TestImages.Png(400, 200);
        var mxc = await alice.UploadAsync(image, "image/png", "landscape.png");

        var (download, bytes) = await bob.Client.DownloadAsync(mxc.Download);
        var (_, thumbnail) = await bob.Client.DownloadAsync(mxc.Thumbnail(96, 96, "crop"));
        var missing = await bob.Client.GetAsync($"/_matrix/client/v1/media/download/{Hs1}/NoSuchMediaHere");

        Assert.Equal(image, bytes);
        Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
        Assert.Contains("landscape.png", download.Content.Headers.ContentDisposition!.ToString(),
            StringComparison.Ordinal);
        using var decoded = Image.NewFromBuffer(thumbnail);
        Assert.Equal((96, 96), (decoded.Width, decoded.Height));
        await MatrixAssert.ErrorAsync(missing, HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_remote_servers_public_rooms_are_listed_and_searched()
    {
        var alice = await First.RegisterAsync();
        var bob = await Second.RegisterAsync();
        var name = LiveServer.UniqueUsername("Lobby");
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["visibility"] = "public", ["preset"] = "public_chat", ["name"] = name,
        });

        var listed = await MatrixAssert.OkAsync(await bob.Client.GetAsync($"/_matrix/client/v3/publicRooms?server={Hs1}"));
        var searched = await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/publicRooms?server={Hs1}",
            new JsonObject { ["filter"] = new JsonObject { ["generic_search_term"] = name } }));
        var other = await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/publicRooms?server={Hs1}",
            new JsonObject { ["filter"] = new JsonObject { ["generic_search_term"] = "no-such-room-name" } }));

        Assert.Contains(roomId, RoomIds(listed));
        Assert.Equal([roomId], RoomIds(searched));
        Assert.DoesNotContain(roomId, RoomIds(other));
    }

    [Fact]
    public async Task OpenId_userinfo_names_the_user_of_a_token_without_a_signature_and_refuses_other_tokens()
    {
        var alice = await First.RegisterAsync();
        var token = (await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync(
                $"/_matrix/client/v3/user/{RoomSteps.Escape(alice.UserId)}/openid/request_token", new JsonObject())))
            .GetProperty("access_token").GetString()!;
        using var handler = new HttpClientHandler
        {
            // The third party is a test client on loopback; the server's certificate is from the test CA.
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        };
        using var thirdParty = new HttpClient(handler) { BaseAddress = fixture.Cluster.FederationOf(0) };

        var known = await MatrixAssert.OkAsync(await thirdParty.GetAsync(
            "/_matrix/federation/v1/openid/userinfo?access_token=" + Uri.EscapeDataString(token)));
        var unknown = await thirdParty.GetAsync("/_matrix/federation/v1/openid/userinfo?access_token=moi_forged");

        Assert.Equal(alice.UserId, known.GetProperty("sub").GetString());
        await MatrixAssert.ErrorAsync(unknown, HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
    }

    [Fact]
    public async Task The_hierarchy_shows_another_server_only_what_it_may_see_and_obeys_the_server_acl()
    {
        var alice = await First.RegisterAsync();
        var space = await alice.CreateRoomAsync(new JsonObject
        {
            ["preset"] = "public_chat", ["creation_content"] = new JsonObject { ["type"] = "m.space" },
        });
        var open = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var closed = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" });
        foreach (var child in (string[])[open, closed])
        {
            await alice.SetStateAsync(space, "m.space.child", child, new JsonObject { ["via"] = new JsonArray(Hs1) });
        }

        var hierarchy = await FederationGetAsync("/_matrix/federation/v1/hierarchy/" + RoomSteps.Escape(space));
        var privateRoot = await FederationErrorAsync("/_matrix/federation/v1/hierarchy/" + RoomSteps.Escape(closed));
        await alice.SetStateAsync(space, "m.room.server_acl", "", new JsonObject
        {
            ["allow"] = new JsonArray("*"), ["deny"] = new JsonArray("hs2.test"),
        });
        var denied = await FederationErrorAsync("/_matrix/federation/v1/hierarchy/" + RoomSteps.Escape(space));

        Assert.Equal(space, hierarchy.GetProperty("room").GetProperty("room_id").GetString());
        Assert.Equal(2, hierarchy.GetProperty("room").GetProperty("children_state").GetArrayLength());
        Assert.Equal([open], hierarchy.GetProperty("children").EnumerateArray()
            .Select(c => c.GetProperty("room_id").GetString()));
        Assert.Equal([closed], hierarchy.GetProperty("inaccessible_children").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal((404, "M_NOT_FOUND"), (privateRoot.StatusCode, privateRoot.ErrCode));
        Assert.Equal((403, "M_FORBIDDEN"), (denied.StatusCode, denied.ErrCode));
    }

    private static List<string?> RoomIds(JsonElement directory) =>
        directory.GetProperty("chunk").EnumerateArray().Select(r => r.GetProperty("room_id").GetString()).ToList();

    /// <summary>A signed request from hs2 to hs1.</summary>
    private Task<JsonElement> FederationGetAsync(string uri) =>
        Second.Instance.App.Services.GetRequiredService<FederationClient>()
            .GetJsonAsync<JsonElement>(ServerName.Parse(Hs1), uri, CancellationToken.None);

    private async Task<FederationException> FederationErrorAsync(string uri) =>
        await Assert.ThrowsAsync<FederationException>(() => FederationGetAsync(uri));
}
