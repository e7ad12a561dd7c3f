using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Npgsql;

namespace Homeserver.Host.Tests.Keys;

/// <summary>
/// One user's stored keys cannot break another user's /keys/query or /keys/claim: key JSON is kept in <c>text</c>
/// columns, and a row written around the API (or before the edge checked strings) may be no JSON, the wrong shape, or
/// hold a lone surrogate escape (which parses and fails only when written). Such a key is left out and logged.
/// </summary>
public sealed class UnservableStoredKeysTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string LoneSurrogate = """{"keys": {"ed25519:X": "\ud800"}}""";

    private LiveServer Server => fixture.Server;

    [Theory]
    [InlineData(LoneSurrogate)]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"user_id": "@x:y", "keys": {}}""")] // no ed25519 key of its own
    public async Task A_stored_device_key_that_cannot_be_served_is_left_out_of_another_users_query(string stored)
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        await bob.UploadDeviceKeysAsync();
        await carol.UploadDeviceKeysAsync();
        await ExecuteAsync("UPDATE device_keys SET key_json = @j WHERE user_id = @u", bob.UserId, stored);

        var devices = (await alice.QueryKeysAsync(bob.UserId, carol.UserId)).GetProperty("device_keys");

        Assert.Empty(devices.GetProperty(bob.UserId).EnumerateObject());
        Assert.True(devices.GetProperty(carol.UserId).TryGetProperty(carol.DeviceId, out _));
    }

    [Theory]
    [InlineData(LoneSurrogate)]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"usage": ["master"], "keys": {}}""")] // no public key
    public async Task A_stored_master_key_that_cannot_be_served_is_left_out_of_another_users_query(string stored)
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var bobKeys = await UploadCrossSigningAsync(bob);
        var carolKeys = await UploadCrossSigningAsync(carol);
        await ExecuteAsync("UPDATE cross_signing_keys SET key_json = @j WHERE user_id = @u AND usage = 'master'",
            bob.UserId, stored);

        var query = await alice.QueryKeysAsync(bob.UserId, carol.UserId);

        var masters = query.GetProperty("master_keys");
        Assert.False(masters.TryGetProperty(bob.UserId, out _));
        Assert.Equal(carolKeys.Master.PublicKey, PublicKey(masters.GetProperty(carol.UserId)));
        Assert.Equal(bobKeys.SelfSigning.PublicKey,
            PublicKey(query.GetProperty("self_signing_keys").GetProperty(bob.UserId)));
    }

    [Theory]
    [InlineData(LoneSurrogate)]
    [InlineData("not json")]
    public async Task A_stored_one_time_key_that_cannot_be_served_is_skipped_for_the_next_one(string stored)
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await bob.UploadKeysAsync(new JsonObject { ["one_time_keys"] = KeySteps.CurveKeys(false, "a", "b") });
        await ExecuteAsync("UPDATE one_time_keys SET key_json = @j WHERE user_id = @u AND key_id = 'a'",
            bob.UserId, stored);

        var claimed = await alice.ClaimKeyAsync(bob.UserId, bob.DeviceId);

        Assert.Equal("key-b", claimed!.Value.GetProperty("signed_curve25519:b").GetProperty("key").GetString());
        Assert.Null(await alice.ClaimKeyAsync(bob.UserId, bob.DeviceId));
    }

    [Theory]
    [InlineData(LoneSurrogate)]
    [InlineData("not json")]
    public async Task A_stored_fallback_key_that_cannot_be_served_is_left_out_of_a_claim(string stored)
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        await bob.UploadKeysAsync(new JsonObject { ["fallback_keys"] = KeySteps.CurveKeys(true, "f") });
        await carol.UploadKeysAsync(new JsonObject { ["fallback_keys"] = KeySteps.CurveKeys(true, "f") });
        await ExecuteAsync("UPDATE fallback_keys SET key_json = @j WHERE user_id = @u", bob.UserId, stored);

        var body = await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync("/_matrix/client/v3/keys/claim",
            new JsonObject
            {
                ["one_time_keys"] = new JsonObject
                {
                    [bob.UserId] = new JsonObject { [bob.DeviceId] = "signed_curve25519" },
                    [carol.UserId] = new JsonObject { [carol.DeviceId] = "signed_curve25519" },
                },
            }));

        var claimed = body.GetProperty("one_time_keys");
        Assert.False(claimed.TryGetProperty(bob.UserId, out _));
        Assert.True(claimed.GetProperty(carol.UserId).GetProperty(carol.DeviceId)
            .TryGetProperty("signed_curve25519:f", out _));
    }

    [Theory]
    [InlineData(LoneSurrogate)]
    [InlineData("not json")]
    public async Task Signing_another_users_master_key_that_cannot_be_served_is_a_failure_entry(string stored)
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var aliceKeys = await UploadCrossSigningAsync(alice);
        var bobKeys = await UploadCrossSigningAsync(bob);
        await ExecuteAsync("UPDATE cross_signing_keys SET key_json = @j WHERE user_id = @u AND usage = 'master'",
            bob.UserId, stored);
        var signed = aliceKeys.UserSigning.Sign(Key(bob, "master", bobKeys.Master), alice.UserId,
            aliceKeys.UserSigning.PublicKey);

        var result = await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync(
            "/_matrix/client/v3/keys/signatures/upload",
            new JsonObject { [bob.UserId] = new JsonObject { [bobKeys.Master.PublicKey] = signed } }));

        Assert.Equal("M_NOT_FOUND", result.GetProperty("failures").GetProperty(bob.UserId)
            .GetProperty(bobKeys.Master.PublicKey).GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Own_cross_signing_keys_that_cannot_be_served_can_be_replaced()
    {
        var alice = await Server.RegisterAsync();
        await UploadCrossSigningAsync(alice);
        await ExecuteAsync("UPDATE cross_signing_keys SET key_json = @j WHERE user_id = @u", alice.UserId, LoneSurrogate);
        var replacement = new CrossSigning(new TestKey(), new TestKey(), new TestKey());
        var body = Body(alice, replacement);
        var challenge = await UploadAsync(alice, body);
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        body["auth"] = new JsonObject
        {
            ["type"] = "m.login.password",
            ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = alice.UserId },
            ["password"] = LiveServer.Password,
            ["session"] = (await challenge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("session").GetString(),
        };

        await MatrixAssert.OkAsync(await UploadAsync(alice, body));

        var query = await alice.QueryKeysAsync(alice.UserId);
        Assert.Equal(replacement.Master.PublicKey, PublicKey(query.GetProperty("master_keys").GetProperty(alice.UserId)));
    }

    private sealed record CrossSigning(TestKey Master, TestKey SelfSigning, TestKey UserSigning);

    private static async Task<CrossSigning> UploadCrossSigningAsync(TestSession session)
    {
        var keys = new CrossSigning(new TestKey(), new TestKey(), new TestKey());
        await MatrixAssert.OkAsync(await UploadAsync(session, Body(session, keys)));
        return keys;
    }

    private static Task<HttpResponseMessage> UploadAsync(TestSession session, JsonObject body) =>
        session.Client.PostAsJsonAsync("/_matrix/client/v3/keys/device_signing/upload", body);

    private static JsonObject Body(TestSession session, CrossSigning keys) => new()
    {
        ["master_key"] = Key(session, "master", keys.Master),
        ["self_signing_key"] = keys.Master.Sign(Key(session, "self_signing", keys.SelfSigning), session.UserId,
            keys.Master.PublicKey),
        ["user_signing_key"] = keys.Master.Sign(Key(session, "user_signing", keys.UserSigning), session.UserId,
            keys.Master.PublicKey),
    };

    private static JsonObject Key(TestSession session, string usage, TestKey key) => new()
    {
        ["user_id"] = session.UserId,
        ["usage"] = new JsonArray(usage),
        ["keys"] = new JsonObject { ["ed25519:" + key.PublicKey] = key.PublicKey },
    };

    private static string PublicKey(JsonElement key) =>
        key.GetProperty("keys").EnumerateObject().Single().Value.GetString()!;

    private async Task ExecuteAsync(string sql, string userId, string json)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("u", userId);
        command.Parameters.AddWithValue("j", json);
        Assert.True(await command.ExecuteNonQueryAsync() > 0);
    }
}
