using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;

namespace Homeserver.Host.Tests.Keys;

/// <summary>POST /keys/device_signing/upload, /keys/signatures/upload and cross-signing keys in /keys/query.</summary>
public sealed class CrossSigningTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private sealed record CrossSigning(TestKey Master, TestKey SelfSigning, TestKey UserSigning);

    [Fact]
    public async Task Cross_signing_keys_upload_without_auth_the_first_time_and_show_in_query()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var keys = new CrossSigning(new TestKey(), new TestKey(), new TestKey());

        await MatrixAssert.OkAsync(await TryUploadAsync(alice, Body(alice, keys)));

        var own = await alice.QueryKeysAsync(alice.UserId);
        var others = await bob.QueryKeysAsync(alice.UserId);
        Assert.Equal(keys.Master.PublicKey, PublicKey(own.GetProperty("master_keys").GetProperty(alice.UserId)));
        Assert.Equal(keys.SelfSigning.PublicKey, PublicKey(others.GetProperty("self_signing_keys").GetProperty(alice.UserId)));
        Assert.Equal(keys.UserSigning.PublicKey, PublicKey(own.GetProperty("user_signing_keys").GetProperty(alice.UserId)));
        Assert.False(others.GetProperty("user_signing_keys").TryGetProperty(alice.UserId, out _));
    }

    [Fact]
    public async Task Replacing_cross_signing_keys_needs_the_password_but_a_retry_does_not()
    {
        var alice = await Server.RegisterAsync();
        var first = new CrossSigning(new TestKey(), new TestKey(), new TestKey());
        await MatrixAssert.OkAsync(await TryUploadAsync(alice, Body(alice, first)));
        await MatrixAssert.OkAsync(await TryUploadAsync(alice, Body(alice, first)));

        var second = Body(alice, new CrossSigning(new TestKey(), new TestKey(), new TestKey()));
        var challenge = await TryUploadAsync(alice, second);
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        var session = (await challenge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("session").GetString();
        second["auth"] = new JsonObject
        {
            ["type"] = "m.login.password",
            ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = alice.UserId },
            ["password"] = LiveServer.Password,
            ["session"] = session,
        };

        await MatrixAssert.OkAsync(await TryUploadAsync(alice, second));
    }

    [Fact]
    public async Task A_self_signing_key_not_signed_by_the_master_key_is_refused()
    {
        var alice = await Server.RegisterAsync();
        var body = Body(alice, new CrossSigning(new TestKey(), new TestKey(), new TestKey()));
        body["self_signing_key"]!.AsObject().Remove("signatures");

        await MatrixAssert.ErrorAsync(await TryUploadAsync(alice, body), HttpStatusCode.BadRequest, "M_INVALID_SIGNATURE");
        await MatrixAssert.ErrorAsync(await TryUploadAsync(alice, new JsonObject
        {
            ["self_signing_key"] = body["self_signing_key"]!.DeepClone(),
        }), HttpStatusCode.BadRequest, "M_MISSING_PARAM");
    }

    [Fact]
    public async Task Signed_devices_and_master_keys_show_their_signatures_in_query()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var aliceKeys = new CrossSigning(new TestKey(), new TestKey(), new TestKey());
        var bobMaster = new TestKey();
        await alice.UploadDeviceKeysAsync();
        await MatrixAssert.OkAsync(await TryUploadAsync(alice, Body(alice, aliceKeys)));
        await MatrixAssert.OkAsync(await TryUploadAsync(bob, new JsonObject { ["master_key"] = Key(bob, "master", bobMaster) }));
        var device = (await alice.QueryKeysAsync(alice.UserId)).GetProperty("device_keys").GetProperty(alice.UserId)
            .GetProperty(alice.DeviceId);
        var signedDevice = aliceKeys.SelfSigning.Sign(Unsigned(device), alice.UserId, aliceKeys.SelfSigning.PublicKey);
        var signedBob = aliceKeys.UserSigning.Sign(Key(bob, "master", bobMaster), alice.UserId, aliceKeys.UserSigning.PublicKey);
        var forged = new TestKey().Sign(Unsigned(device), alice.UserId, aliceKeys.SelfSigning.PublicKey);

        var result = await UploadSignaturesAsync(alice, new JsonObject
        {
            [alice.UserId] = new JsonObject { [alice.DeviceId] = signedDevice },
            [bob.UserId] = new JsonObject { [bobMaster.PublicKey] = signedBob },
        });
        var failed = await UploadSignaturesAsync(alice, new JsonObject
        {
            [alice.UserId] = new JsonObject { [alice.DeviceId] = forged },
        });

        Assert.Empty(result.GetProperty("failures").EnumerateObject());
        Assert.Equal("M_INVALID_SIGNATURE", failed.GetProperty("failures").GetProperty(alice.UserId)
            .GetProperty(alice.DeviceId).GetProperty("errcode").GetString());
        var seenByBob = await bob.QueryKeysAsync(alice.UserId, bob.UserId);
        Assert.True(seenByBob.GetProperty("device_keys").GetProperty(alice.UserId).GetProperty(alice.DeviceId)
            .GetProperty("signatures").GetProperty(alice.UserId).TryGetProperty("ed25519:" + aliceKeys.SelfSigning.PublicKey, out _));
        Assert.True(SignedBy((await alice.QueryKeysAsync(bob.UserId)).GetProperty("master_keys").GetProperty(bob.UserId), alice.UserId));
        Assert.False(SignedBy((await carol.QueryKeysAsync(bob.UserId)).GetProperty("master_keys").GetProperty(bob.UserId), alice.UserId));
    }

    [Fact]
    public async Task A_cross_signing_key_upload_is_listed_in_room_mates_device_lists()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await alice.SharedRoomAsync(bob);
        var since = (await alice.SyncAsync()).NextBatch();

        await MatrixAssert.OkAsync(await TryUploadAsync(bob, Body(bob, new CrossSigning(new TestKey(), new TestKey(), new TestKey()))));

        Assert.Equal([bob.UserId], (await alice.SyncAsync(since: since)).Changed());
    }

    private static JsonObject Key(TestSession session, string usage, TestKey key) => new()
    {
        ["user_id"] = session.UserId,
        ["usage"] = new JsonArray(usage),
        ["keys"] = new JsonObject { ["ed25519:" + key.PublicKey] = key.PublicKey },
    };

    private static JsonObject Body(TestSession session, CrossSigning keys) => new()
    {
        ["master_key"] = Key(session, "master", keys.Master),
        ["self_signing_key"] = keys.Master.Sign(Key(session, "self_signing", keys.SelfSigning), session.UserId, keys.Master.PublicKey),
        ["user_signing_key"] = keys.Master.Sign(Key(session, "user_signing", keys.UserSigning), session.UserId, keys.Master.PublicKey),
    };

    private static Task<HttpResponseMessage> TryUploadAsync(TestSession session, JsonObject body) =>
        session.Client.PostAsJsonAsync("/_matrix/client/v3/keys/device_signing/upload", body);

    private static async Task<JsonElement> UploadSignaturesAsync(TestSession session, JsonObject body) =>
        await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync("/_matrix/client/v3/keys/signatures/upload", body));

    private static string PublicKey(JsonElement key) => key.GetProperty("keys").EnumerateObject().Single().Value.GetString()!;

    private static bool SignedBy(JsonElement key, string userId) =>
        key.TryGetProperty("signatures", out var signatures) && signatures.TryGetProperty(userId, out _);

    /// <summary>A queried key as the client would sign it: without unsigned.</summary>
    private static JsonObject Unsigned(JsonElement key)
    {
        var json = JsonNode.Parse(key.GetRawText())!.AsObject();
        json.Remove("unsigned");
        return json;
    }
}
