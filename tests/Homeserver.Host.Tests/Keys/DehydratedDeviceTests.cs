using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Encoding;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Keys;

/// <summary>Dehydrated devices (MSC3814) as matrix-js-sdk's Rust crypto uses them.</summary>
public sealed class DehydratedDeviceTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string Path = "/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device";
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_dehydrated_device_is_stored_with_its_keys_and_others_can_query_and_claim_them()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path), HttpStatusCode.NotFound, "M_NOT_FOUND");

        var put = await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(Path, Body(alice, "DEHYDRATED1")));

        Assert.Equal("DEHYDRATED1", put.GetProperty("device_id").GetString());
        var stored = await MatrixAssert.OkAsync(await alice.Client.GetAsync(Path));
        Assert.Equal("DEHYDRATED1", stored.GetProperty("device_id").GetString());
        Assert.Equal("pickled DEHYDRATED1", stored.GetProperty("device_data").GetProperty("device_pickle").GetString());
        var keys = (await bob.QueryKeysAsync(alice.UserId)).GetProperty("device_keys").GetProperty(alice.UserId);
        Assert.True(keys.GetProperty("DEHYDRATED1").GetProperty("dehydrated").GetBoolean());
        var claimed = await bob.ClaimKeyAsync(alice.UserId, "DEHYDRATED1");
        Assert.Equal("otk-DEHYDRATED1", claimed!.Value.EnumerateObject().Single().Value.GetProperty("key").GetString());
    }

    [Fact]
    public async Task To_device_messages_for_the_dehydrated_device_are_paged_with_next_batch_until_none_are_left()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(Path, Body(alice, "DEHYDRATED2")));
        for (var n = 1; n <= 3; n++)
        {
            await bob.SendToDeviceAsync(alice.UserId, "DEHYDRATED2", new JsonObject { ["n"] = n });
        }

        await bob.SendToDeviceAsync(alice.UserId, "*", new JsonObject { ["n"] = 4 });

        var first = await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{Path}/DEHYDRATED2/events?limit=3"));
        var next = first.GetProperty("next_batch").GetString();
        var second = await MatrixAssert.OkAsync(await alice.Client.GetAsync(
            $"{Path}/DEHYDRATED2/events?limit=3&from={next}"));

        Assert.Equal([1, 2, 3], Numbers(first));
        Assert.Equal(bob.UserId, first.GetProperty("events")[0].GetProperty("sender").GetString());
        Assert.Equal([4], Numbers(second));
        Assert.False(second.TryGetProperty("next_batch", out _));
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync($"{Path}/{alice.DeviceId}/events"),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync($"{Path}/DEHYDRATED2/events"),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync($"{Path}/DEHYDRATED2/events?from=x"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task The_earlier_post_form_of_events_always_gives_next_batch_and_ends_with_an_empty_page()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(Path, Body(alice, "DEHYDRATED3")));
        await bob.SendToDeviceAsync(alice.UserId, "DEHYDRATED3", new JsonObject { ["n"] = 1 });

        var first = await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync($"{Path}/DEHYDRATED3/events",
            new JsonObject()));
        var second = await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync($"{Path}/DEHYDRATED3/events",
            new JsonObject { ["next_batch"] = first.GetProperty("next_batch").GetString() }));

        Assert.Equal([1], Numbers(first));
        Assert.Empty(Numbers(second));
        Assert.Equal(first.GetProperty("next_batch").GetString(), second.GetProperty("next_batch").GetString());
    }

    [Fact]
    public async Task A_new_dehydrated_device_replaces_the_old_one_with_its_keys_and_messages()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(Path, Body(alice, "OLDDEHYDRATED")));
        await bob.SendToDeviceAsync(alice.UserId, "OLDDEHYDRATED", new JsonObject { ["n"] = 1 });

        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(Path, Body(alice, "NEWDEHYDRATED")));

        Assert.Equal("NEWDEHYDRATED", (await MatrixAssert.OkAsync(await alice.Client.GetAsync(Path)))
            .GetProperty("device_id").GetString());
        var devices = (await bob.QueryKeysAsync(alice.UserId)).GetProperty("device_keys").GetProperty(alice.UserId);
        Assert.False(devices.TryGetProperty("OLDDEHYDRATED", out _));
        Assert.True(devices.TryGetProperty("NEWDEHYDRATED", out _));
        var own = await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/devices"));
        Assert.DoesNotContain("OLDDEHYDRATED", own.GetProperty("devices").EnumerateArray()
            .Select(d => d.GetProperty("device_id").GetString()));
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync($"{Path}/OLDDEHYDRATED/events"),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Empty(Numbers(await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{Path}/NEWDEHYDRATED/events"))));

        // Uploaded again under the same ID: the old one-time keys are gone, so the new ones (same IDs) do not clash.
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(Path, Body(alice, "NEWDEHYDRATED")));
    }

    [Fact]
    public async Task Deleting_the_dehydrated_device_removes_it_and_a_second_delete_is_not_found()
    {
        var alice = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(Path, Body(alice, "GONE")));

        var deleted = await MatrixAssert.OkAsync(await alice.Client.DeleteAsync(Path));

        Assert.Equal("GONE", deleted.GetProperty("device_id").GetString());
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path), HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.DeleteAsync(Path), HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.False((await alice.QueryKeysAsync(alice.UserId)).GetProperty("device_keys").GetProperty(alice.UserId)
            .TryGetProperty("GONE", out _));
    }

    [Fact]
    public async Task A_dehydrated_device_needs_its_own_self_signed_keys_and_an_unused_device_id()
    {
        var alice = await Server.RegisterAsync();
        var noKeys = Body(alice, "NOKEYS");
        noKeys.Remove("device_keys");
        var wrongDevice = Body(alice, "WRONG");
        wrongDevice["device_id"] = "OTHER";
        var noAlgorithm = Body(alice, "NOALGORITHM");
        noAlgorithm["device_data"] = new JsonObject();

        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync(Path, noKeys), HttpStatusCode.BadRequest,
            "M_MISSING_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync(Path, wrongDevice), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync(Path, noAlgorithm), HttpStatusCode.BadRequest,
            "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync(Path, Body(alice, alice.DeviceId)),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path), HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    /// <summary>A PUT body as the Rust crypto's <c>keysForUpload</c> makes it, for a device of that ID.</summary>
    private static JsonObject Body(TestSession session, string deviceId)
    {
        var key = new TestKey();
        var deviceKeys = key.Sign(new JsonObject
        {
            ["user_id"] = session.UserId,
            ["device_id"] = deviceId,
            ["algorithms"] = new JsonArray("m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"),
            ["keys"] = new JsonObject
            {
                ["curve25519:" + deviceId] = UnpaddedBase64.Encode(RandomNumberGenerator.GetBytes(32)),
                ["ed25519:" + deviceId] = key.PublicKey,
            },
            ["dehydrated"] = true,
        }, session.UserId, deviceId);
        return new JsonObject
        {
            ["device_id"] = deviceId,
            ["device_data"] = new JsonObject
            {
                ["algorithm"] = "org.matrix.msc3814.v2", ["device_pickle"] = "pickled " + deviceId, ["nonce"] = "n",
            },
            ["initial_device_display_name"] = "Dehydrated device",
            ["device_keys"] = deviceKeys,
            ["one_time_keys"] = new JsonObject
            {
                ["signed_curve25519:AAAAAQ"] = new JsonObject { ["key"] = "otk-" + deviceId },
            },
            ["fallback_keys"] = KeySteps.CurveKeys(true, "AAAAAg"),
        };
    }

    private static List<int> Numbers(JsonElement page) =>
        page.GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("content").GetProperty("n").GetInt32()).ToList();
}
