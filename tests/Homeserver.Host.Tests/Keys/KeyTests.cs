using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;

namespace Homeserver.Host.Tests.Keys;

/// <summary>POST /keys/upload, /keys/query, /keys/claim and the key counts in /sync.</summary>
public sealed class KeyTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Uploaded_device_keys_are_returned_by_query_with_the_device_display_name()
    {
        var alice = await Server.RegisterAsync(deviceDisplayName: "Alice's phone");
        var bob = await Server.RegisterAsync();
        var key = new TestKey();
        var uploaded = alice.DeviceKeys(key);
        await alice.UploadKeysAsync(new JsonObject { ["device_keys"] = uploaded });

        var result = await bob.QueryKeysAsync(alice.UserId);

        var device = result.GetProperty("device_keys").GetProperty(alice.UserId).GetProperty(alice.DeviceId);
        Assert.Equal(key.PublicKey, device.GetProperty("keys").GetProperty("ed25519:" + alice.DeviceId).GetString());
        Assert.True(device.GetProperty("signatures").GetProperty(alice.UserId).TryGetProperty("ed25519:" + alice.DeviceId, out _));
        Assert.Equal("Alice's phone", device.GetProperty("unsigned").GetProperty("device_display_name").GetString());
        Assert.Empty(result.GetProperty("failures").EnumerateObject());
    }

    [Fact]
    public async Task Query_lists_only_devices_with_keys_and_only_the_devices_asked_for()
    {
        var alice = await Server.RegisterAsync();
        var laptop = await Server.LoginAsync(alice.UserId);
        var tablet = await Server.LoginAsync(alice.UserId);
        await alice.UploadDeviceKeysAsync();
        await laptop.UploadDeviceKeysAsync();

        var all = (await alice.QueryKeysAsync(alice.UserId)).GetProperty("device_keys").GetProperty(alice.UserId);
        var one = (await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync("/_matrix/client/v3/keys/query",
            new JsonObject { ["device_keys"] = new JsonObject { [alice.UserId] = new JsonArray(laptop.DeviceId) } })))
            .GetProperty("device_keys").GetProperty(alice.UserId);

        Assert.Equal(new[] { alice.DeviceId, laptop.DeviceId }.Order(), all.EnumerateObject().Select(d => d.Name).Order());
        Assert.False(all.TryGetProperty(tablet.DeviceId, out _));
        Assert.Equal([laptop.DeviceId], one.EnumerateObject().Select(d => d.Name));
    }

    [Fact]
    public async Task Device_keys_must_be_the_callers_and_carry_a_valid_self_signature()
    {
        var alice = await Server.RegisterAsync();
        var other = await Server.LoginAsync(alice.UserId);
        var forged = alice.DeviceKeys(new TestKey());
        forged["keys"]!["ed25519:" + alice.DeviceId] = new TestKey().PublicKey; // signed by a key it does not hold
        var unsigned = alice.DeviceKeys(new TestKey());
        unsigned.Remove("signatures");

        await MatrixAssert.ErrorAsync(await alice.TryUploadKeysAsync(new JsonObject { ["device_keys"] = forged }),
            HttpStatusCode.BadRequest, "M_INVALID_SIGNATURE");
        await MatrixAssert.ErrorAsync(await alice.TryUploadKeysAsync(new JsonObject { ["device_keys"] = unsigned }),
            HttpStatusCode.BadRequest, "M_INVALID_SIGNATURE");
        await MatrixAssert.ErrorAsync(await alice.TryUploadKeysAsync(
            new JsonObject { ["device_keys"] = other.DeviceKeys(new TestKey()) }), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.TryUploadKeysAsync(new JsonObject { ["device_keys"] = "keys" }),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        Assert.Empty((await alice.QueryKeysAsync(alice.UserId)).GetProperty("device_keys").GetProperty(alice.UserId)
            .EnumerateObject());
    }

    [Fact]
    public async Task One_time_key_counts_come_back_from_upload_and_in_every_sync()
    {
        var alice = await Server.RegisterAsync();
        var initial = await alice.SyncAsync();
        Assert.Equal(0, initial.GetProperty("device_one_time_keys_count").GetProperty("signed_curve25519").GetInt32());
        Assert.Empty(initial.GetProperty("device_unused_fallback_key_types").EnumerateArray());

        var upload = await alice.UploadKeysAsync(new JsonObject
        {
            ["one_time_keys"] = KeySteps.CurveKeys(false, "A", "B", "C"),
            ["fallback_keys"] = KeySteps.CurveKeys(true, "F"),
        });

        Assert.Equal(3, upload.GetProperty("one_time_key_counts").GetProperty("signed_curve25519").GetInt32());
        var sync = await alice.SyncAsync(since: initial.NextBatch());
        Assert.Equal(3, sync.GetProperty("device_one_time_keys_count").GetProperty("signed_curve25519").GetInt32());
        Assert.Equal(["signed_curve25519"],
            sync.GetProperty("device_unused_fallback_key_types").EnumerateArray().Select(t => t.GetString()));
        var otherDevice = await Server.LoginAsync(alice.UserId);
        Assert.Equal(0, (await otherDevice.SyncAsync()).GetProperty("device_one_time_keys_count")
            .GetProperty("signed_curve25519").GetInt32());
    }

    [Fact]
    public async Task A_claim_takes_each_one_time_key_once_then_the_fallback_key()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await alice.UploadKeysAsync(new JsonObject
        {
            ["one_time_keys"] = KeySteps.CurveKeys(false, "A", "B"),
            ["fallback_keys"] = KeySteps.CurveKeys(true, "F"),
        });

        var claimed = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            claimed.Add((await bob.ClaimKeyAsync(alice.UserId, alice.DeviceId))!.Value.EnumerateObject().Single().Name);
        }

        Assert.Equal(["signed_curve25519:A", "signed_curve25519:B"], claimed.Take(2).Order());
        Assert.Equal(["signed_curve25519:F", "signed_curve25519:F"], claimed.Skip(2));
        var sync = await alice.SyncAsync();
        Assert.Equal(0, sync.GetProperty("device_one_time_keys_count").GetProperty("signed_curve25519").GetInt32());
        Assert.Empty(sync.GetProperty("device_unused_fallback_key_types").EnumerateArray());

        await alice.UploadKeysAsync(new JsonObject { ["fallback_keys"] = KeySteps.CurveKeys(true, "G") });
        Assert.Single((await alice.SyncAsync()).GetProperty("device_unused_fallback_key_types").EnumerateArray());
    }

    [Fact]
    public async Task Key_counts_in_sync_follow_each_upload_claim_and_fallback_use_at_once()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        Assert.Equal((0, 0), Inventory(await alice.SyncAsync())); // kept in memory from here

        await alice.UploadKeysAsync(new JsonObject
        {
            ["one_time_keys"] = KeySteps.CurveKeys(false, "A"),
            ["fallback_keys"] = KeySteps.CurveKeys(true, "F"),
        });
        Assert.Equal((1, 1), Inventory(await alice.SyncAsync()));
        await bob.ClaimKeyAsync(alice.UserId, alice.DeviceId);
        Assert.Equal((0, 1), Inventory(await alice.SyncAsync()));
        await bob.ClaimKeyAsync(alice.UserId, alice.DeviceId);

        Assert.Equal((0, 0), Inventory(await alice.SyncAsync()));
    }

    [Fact]
    public async Task A_device_id_logged_in_again_after_logout_syncs_without_the_old_keys()
    {
        var alice = await Server.RegisterAsync();
        var extra = new JsonObject { ["device_id"] = "LAPTOP" };
        var first = await Server.LoginBodyAsync(alice.UserId, extra: extra);
        var firstToken = first.GetProperty("access_token").GetString();
        var (uploaded, _) = await Server.PostAsync("/_matrix/client/v3/keys/upload",
            new JsonObject { ["one_time_keys"] = KeySteps.CurveKeys(false, "A") }, firstToken);
        Assert.Equal(HttpStatusCode.OK, uploaded);
        Assert.Equal((1, 0), Inventory((await Server.GetAsync("/_matrix/client/v3/sync", firstToken)).Body));

        Assert.Equal(HttpStatusCode.OK, (await Server.PostAsync("/_matrix/client/v3/logout", new JsonObject(),
            firstToken)).Status);
        var second = await Server.LoginBodyAsync(alice.UserId, extra: extra);

        Assert.Equal((0, 0), Inventory((await Server.GetAsync("/_matrix/client/v3/sync",
            second.GetProperty("access_token").GetString())).Body));
    }

    private static (int OneTimeKeys, int UnusedFallbackTypes) Inventory(JsonElement sync) =>
        (sync.GetProperty("device_one_time_keys_count").GetProperty("signed_curve25519").GetInt32(),
            sync.GetProperty("device_unused_fallback_key_types").GetArrayLength());

    [Fact]
    public async Task Concurrent_claims_never_get_the_same_one_time_key()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var ids = Enumerable.Range(0, 12).Select(i => "K" + i).ToArray();
        await alice.UploadKeysAsync(new JsonObject { ["one_time_keys"] = KeySteps.CurveKeys(false, ids) });

        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => bob.ClaimKeyAsync(alice.UserId, alice.DeviceId)));

        var names = claims.Select(c => c!.Value.EnumerateObject().Single().Name).ToList();
        Assert.Equal(12, names.Distinct().Count());
        Assert.Null(await bob.ClaimKeyAsync(alice.UserId, alice.DeviceId));
    }

    [Fact]
    public async Task A_one_time_key_uploaded_again_must_keep_its_value()
    {
        var alice = await Server.RegisterAsync();
        await alice.UploadKeysAsync(new JsonObject { ["one_time_keys"] = KeySteps.CurveKeys(false, "A") });

        var same = await alice.UploadKeysAsync(new JsonObject { ["one_time_keys"] = KeySteps.CurveKeys(false, "A") });
        var changed = KeySteps.CurveKeys(false, "A");
        changed["signed_curve25519:A"]!["key"] = "another key";

        Assert.Equal(1, same.GetProperty("one_time_key_counts").GetProperty("signed_curve25519").GetInt32());
        await MatrixAssert.ErrorAsync(await alice.TryUploadKeysAsync(new JsonObject { ["one_time_keys"] = changed }),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.TryUploadKeysAsync(new JsonObject
        {
            ["one_time_keys"] = new JsonObject { ["no-algorithm"] = "key" },
        }), HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task Keys_of_a_deleted_device_are_gone()
    {
        var alice = await Server.RegisterAsync();
        var laptop = await Server.LoginAsync(alice.UserId);
        await laptop.UploadDeviceKeysAsync();
        await laptop.UploadKeysAsync(new JsonObject { ["one_time_keys"] = KeySteps.CurveKeys(false, "A") });

        await MatrixAssert.OkAsync(await laptop.Client.PostAsJsonAsync("/_matrix/client/v3/logout", new JsonObject()));

        Assert.Empty((await alice.QueryKeysAsync(alice.UserId)).GetProperty("device_keys").GetProperty(alice.UserId)
            .EnumerateObject());
        Assert.Null(await alice.ClaimKeyAsync(alice.UserId, laptop.DeviceId));
    }

    [Fact]
    public async Task Other_servers_users_are_reported_as_failures()
    {
        var alice = await Server.RegisterAsync();

        var query = await alice.QueryKeysAsync("@bob:remote.example");
        var claim = await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync("/_matrix/client/v3/keys/claim",
            new JsonObject
            {
                ["one_time_keys"] = new JsonObject { ["@bob:remote.example"] = new JsonObject { ["D"] = "signed_curve25519" } },
            }));

        Assert.True(query.GetProperty("failures").TryGetProperty("remote.example", out _));
        Assert.True(claim.GetProperty("failures").TryGetProperty("remote.example", out _));
        await MatrixAssert.ErrorAsync(await alice.Client.PostAsJsonAsync("/_matrix/client/v3/keys/query", new JsonObject()),
            HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.PostAsJsonAsync("/_matrix/client/v3/keys/query",
            new JsonObject { ["device_keys"] = new JsonObject { ["bob"] = new JsonArray() } }),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }
}
