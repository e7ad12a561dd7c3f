using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Keys;

/// <summary>Server-side key backups: versions, the replacement rules for keys, etag and count, wrong versions.</summary>
public sealed class KeyBackupTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string Room = "!room:test.local";
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_new_version_becomes_current_and_reads_back_with_count_and_etag()
    {
        var alice = await Server.RegisterAsync();
        await MatrixAssert.ErrorAsync(await alice.TryGetBackupAsync(), HttpStatusCode.NotFound, "M_NOT_FOUND");

        var first = await alice.CreateBackupAsync("pk1");
        var second = await alice.CreateBackupAsync("pk2");

        var current = await alice.GetBackupAsync();
        Assert.NotEqual(first, second);
        Assert.Equal(second, current.GetProperty("version").GetString());
        Assert.Equal(KeyBackupSteps.Algorithm, current.GetProperty("algorithm").GetString());
        Assert.Equal("pk2", current.GetProperty("auth_data").GetProperty("public_key").GetString());
        Assert.Equal(0, current.GetProperty("count").GetInt64());
        Assert.NotNull(current.GetProperty("etag").GetString());
        Assert.Equal("pk1", (await alice.GetBackupAsync(first)).GetProperty("auth_data").GetProperty("public_key")
            .GetString());
        await MatrixAssert.ErrorAsync(await alice.TryGetBackupAsync("999999"), HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.TryGetBackupAsync("not-a-version"), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        var bob = await Server.RegisterAsync();
        await MatrixAssert.ErrorAsync(await bob.TryGetBackupAsync(second), HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Updating_a_version_changes_only_its_auth_data_and_keeps_its_algorithm()
    {
        var alice = await Server.RegisterAsync();
        var version = await alice.CreateBackupAsync("pk1");
        var path = $"/_matrix/client/v3/room_keys/version/{version}";

        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(path, KeyBackupSteps.VersionBody("pk2")));
        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync(path,
            KeyBackupSteps.VersionBody("pk3", "m.other.algorithm")), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        var otherVersion = KeyBackupSteps.VersionBody("pk4");
        otherVersion["version"] = version + "0";
        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync(path, otherVersion), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync("/_matrix/client/v3/room_keys/version/999999",
            KeyBackupSteps.VersionBody("pk5")), HttpStatusCode.NotFound, "M_NOT_FOUND");

        var stored = await alice.GetBackupAsync(version);
        Assert.Equal("pk2", stored.GetProperty("auth_data").GetProperty("public_key").GetString());
        Assert.Equal(KeyBackupSteps.Algorithm, stored.GetProperty("algorithm").GetString());
    }

    [Fact]
    public async Task A_key_replaces_the_stored_one_only_when_better()
    {
        var alice = await Server.RegisterAsync();
        var version = await alice.CreateBackupAsync();

        await alice.PutKeyAsync(version, Room, "s", KeyBackupSteps.Key("unverified-5-1", 5, 1, verified: false));
        // A verified key wins over an unverified one, whatever its index.
        await alice.PutKeyAsync(version, Room, "s", KeyBackupSteps.Key("verified-9-3", 9, 3, verified: true));
        Assert.Equal("verified-9-3", await alice.StoredTagAsync(version, Room, "s"));
        // An unverified key never replaces a verified one, even with a lower index.
        await alice.PutKeyAsync(version, Room, "s", KeyBackupSteps.Key("unverified-0-0", 0, 0, verified: false));
        Assert.Equal("verified-9-3", await alice.StoredTagAsync(version, Room, "s"));
        // Same verification: the lower first_message_index wins.
        await alice.PutKeyAsync(version, Room, "s", KeyBackupSteps.Key("verified-4-7", 4, 7, verified: true));
        Assert.Equal("verified-4-7", await alice.StoredTagAsync(version, Room, "s"));
        await alice.PutKeyAsync(version, Room, "s", KeyBackupSteps.Key("verified-6-0", 6, 0, verified: true));
        Assert.Equal("verified-4-7", await alice.StoredTagAsync(version, Room, "s"));
        // Same index: the lower forwarded_count wins.
        await alice.PutKeyAsync(version, Room, "s", KeyBackupSteps.Key("verified-4-2", 4, 2, verified: true));
        Assert.Equal("verified-4-2", await alice.StoredTagAsync(version, Room, "s"));
        // All equal: the stored key stays.
        await alice.PutKeyAsync(version, Room, "s", KeyBackupSteps.Key("verified-4-2-again", 4, 2, verified: true));
        Assert.Equal("verified-4-2", await alice.StoredTagAsync(version, Room, "s"));
    }

    [Fact]
    public async Task The_etag_moves_only_when_keys_change_and_count_counts_the_keys()
    {
        var alice = await Server.RegisterAsync();
        var version = await alice.CreateBackupAsync();
        var initial = (await alice.GetBackupAsync()).GetProperty("etag").GetString();

        var (count1, etag1) = await alice.PutKeyAsync(version, Room, "s1", KeyBackupSteps.Key("a", 3, 0, false));
        var (countSame, etagSame) = await alice.PutKeyAsync(version, Room, "s1", KeyBackupSteps.Key("worse", 5, 0, false));
        var (count2, etag2) = await alice.PutKeyAsync(version, "!other:test.local", "s2",
            KeyBackupSteps.Key("b", 0, 0, false));

        Assert.Equal((1, 1, 2), (count1, countSame, count2));
        Assert.NotEqual(initial, etag1);
        Assert.Equal(etag1, etagSame);
        Assert.NotEqual(etag1, etag2);
        var info = await alice.GetBackupAsync();
        Assert.Equal(2, info.GetProperty("count").GetInt64());
        Assert.Equal(etag2, info.GetProperty("etag").GetString());

        var deleted = await MatrixAssert.OkAsync(await alice.Client.DeleteAsync(
            KeyBackupSteps.KeyPath(version, Room, "s1")));
        Assert.Equal(1, deleted.GetProperty("count").GetInt64());
        Assert.NotEqual(etag2, deleted.GetProperty("etag").GetString());
    }

    [Fact]
    public async Task Keys_read_back_at_all_three_levels_and_delete_by_room()
    {
        var alice = await Server.RegisterAsync();
        var version = await alice.CreateBackupAsync();
        var body = new JsonObject
        {
            ["rooms"] = new JsonObject
            {
                [Room] = new JsonObject
                {
                    ["sessions"] = new JsonObject
                    {
                        ["s1"] = KeyBackupSteps.Key("a", 0, 0, false), ["s2"] = KeyBackupSteps.Key("b", 0, 0, false),
                    },
                },
                ["!other:test.local"] = new JsonObject
                {
                    ["sessions"] = new JsonObject { ["s3"] = KeyBackupSteps.Key("c", 0, 0, false) },
                },
            },
        };
        var put = await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(KeyBackupSteps.KeyPath(version), body));
        Assert.Equal(3, put.GetProperty("count").GetInt64());

        var all = await MatrixAssert.OkAsync(await alice.Client.GetAsync(KeyBackupSteps.KeyPath(version)));
        var room = await MatrixAssert.OkAsync(await alice.Client.GetAsync(KeyBackupSteps.KeyPath(version, Room)));
        var empty = await MatrixAssert.OkAsync(await alice.Client.GetAsync(
            KeyBackupSteps.KeyPath(version, "!none:test.local")));
        Assert.Equal(2, all.GetProperty("rooms").EnumerateObject().Count());
        Assert.Equal(["s1", "s2"], room.GetProperty("sessions").EnumerateObject().Select(s => s.Name).Order());
        Assert.Empty(empty.GetProperty("sessions").EnumerateObject());
        Assert.Equal("c", await alice.StoredTagAsync(version, "!other:test.local", "s3"));
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(KeyBackupSteps.KeyPath(version, Room, "s9")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");

        var afterDelete = await MatrixAssert.OkAsync(await alice.Client.DeleteAsync(KeyBackupSteps.KeyPath(version, Room)));
        Assert.Equal(1, afterDelete.GetProperty("count").GetInt64());
        Assert.Empty((await MatrixAssert.OkAsync(await alice.Client.GetAsync(KeyBackupSteps.KeyPath(version, Room))))
            .GetProperty("sessions").EnumerateObject());
    }

    [Fact]
    public async Task Writing_to_a_version_that_is_not_current_answers_wrong_version_with_the_current_one()
    {
        var alice = await Server.RegisterAsync();
        await MatrixAssert.ErrorAsync(await alice.TryPutKeyAsync("1", Room, "s", KeyBackupSteps.Key("a", 0, 0, false)),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        var old = await alice.CreateBackupAsync();
        var current = await alice.CreateBackupAsync();

        var error = await MatrixAssert.ErrorAsync(await alice.TryPutKeyAsync(old, Room, "s",
            KeyBackupSteps.Key("a", 0, 0, false)), HttpStatusCode.Forbidden, "M_WRONG_ROOM_KEYS_VERSION");
        Assert.Equal(current, error.GetProperty("current_version").GetString());
        await MatrixAssert.ErrorAsync(await alice.TryPutKeyAsync("999999", Room, "s",
            KeyBackupSteps.Key("a", 0, 0, false)), HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync("/_matrix/client/v3/room_keys/keys/r/s",
            KeyBackupSteps.Key("a", 0, 0, false)), HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        Assert.Equal(0, (await alice.GetBackupAsync(old)).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task A_deleted_version_is_gone_with_its_keys_and_the_previous_one_is_current_again()
    {
        var alice = await Server.RegisterAsync();
        var first = await alice.CreateBackupAsync();
        var second = await alice.CreateBackupAsync();
        await alice.PutKeyAsync(second, Room, "s", KeyBackupSteps.Key("a", 0, 0, false));
        var path = $"/_matrix/client/v3/room_keys/version/{second}";

        await MatrixAssert.OkAsync(await alice.Client.DeleteAsync(path));
        await MatrixAssert.OkAsync(await alice.Client.DeleteAsync(path)); // deleting again succeeds

        await MatrixAssert.ErrorAsync(await alice.TryGetBackupAsync(second), HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(KeyBackupSteps.KeyPath(second)),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.TryPutKeyAsync(second, Room, "s", KeyBackupSteps.Key("a", 0, 0, false)),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.Equal(first, (await alice.GetBackupAsync()).GetProperty("version").GetString());
        await MatrixAssert.ErrorAsync(await alice.Client.DeleteAsync("/_matrix/client/v3/room_keys/version/999999"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        var third = await alice.CreateBackupAsync();
        Assert.NotEqual(second, third);
    }

    [Fact]
    public async Task Misshapen_backup_bodies_are_bad_json()
    {
        var alice = await Server.RegisterAsync();
        var version = await alice.CreateBackupAsync();
        var noVerified = KeyBackupSteps.Key("a", 0, 0, false);
        noVerified.Remove("is_verified");
        var negative = KeyBackupSteps.Key("a", -1, 0, false);

        await MatrixAssert.ErrorAsync(await alice.TryPutKeyAsync(version, Room, "s", noVerified),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await alice.TryPutKeyAsync(version, Room, "s", negative),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync(KeyBackupSteps.KeyPath(version),
            new JsonObject { ["rooms"] = new JsonObject { [Room] = "x" } }), HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await alice.TryCreateBackupAsync(new JsonObject { ["algorithm"] = "a" }),
            HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await MatrixAssert.ErrorAsync(await alice.TryCreateBackupAsync(new JsonObject
        {
            ["algorithm"] = "a", ["auth_data"] = "not an object",
        }), HttpStatusCode.BadRequest, "M_BAD_JSON");
    }
}
