using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;

namespace Homeserver.Host.Tests.Keys;

/// <summary>device_lists in /sync and GET /keys/changes.</summary>
public sealed class DeviceListTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_new_device_of_a_room_mate_is_listed_as_changed_and_wakes_the_sync()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await alice.SharedRoomAsync(bob);
        var since = (await alice.SyncAsync()).NextBatch();
        var poll = await alice.LongPollAsync(since);
        Assert.False(poll.IsCompleted);
        var clock = Stopwatch.StartNew();

        await Server.LoginAsync(bob.UserId);

        var sync = await poll;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal([bob.UserId], sync.Changed());
        Assert.Empty(sync.Left());
        Assert.Empty((await alice.SyncAsync(since: sync.NextBatch())).Changed());
    }

    [Fact]
    public async Task Key_uploads_and_device_deletion_of_a_room_mate_are_listed_as_changed()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var bobLaptop = await Server.LoginAsync(bob.UserId);
        await alice.SharedRoomAsync(bob);
        var since = (await alice.SyncAsync()).NextBatch();

        await bob.UploadDeviceKeysAsync();
        var afterUpload = await alice.SyncAsync(since: since);
        await MatrixAssert.OkAsync(await bobLaptop.Client.PostAsJsonAsync("/_matrix/client/v3/logout", new JsonObject()));
        var afterLogout = await alice.SyncAsync(since: afterUpload.NextBatch());

        Assert.Equal([bob.UserId], afterUpload.Changed());
        Assert.Equal([bob.UserId], afterLogout.Changed());
    }

    [Fact]
    public async Task Changes_of_users_sharing_no_room_are_not_listed()
    {
        var alice = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync();
        var since = (await alice.SyncAsync()).NextBatch();

        await stranger.UploadDeviceKeysAsync();
        await Server.LoginAsync(stranger.UserId);

        Assert.Empty((await alice.SyncAsync(since: since)).Changed());
    }

    [Fact]
    public async Task The_users_own_new_device_is_listed_as_changed()
    {
        var alice = await Server.RegisterAsync();
        var since = (await alice.SyncAsync()).NextBatch();

        await Server.LoginAsync(alice.UserId);

        Assert.Equal([alice.UserId], (await alice.SyncAsync(since: since)).Changed());
    }

    [Fact]
    public async Task A_user_who_starts_sharing_a_room_is_listed_as_changed()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var since = (await alice.SyncAsync()).NextBatch();
        var bobSince = (await bob.SyncAsync()).NextBatch();

        await bob.JoinAsync(room);

        Assert.Contains(bob.UserId, (await alice.SyncAsync(since: since)).Changed());
        Assert.Contains(alice.UserId, (await bob.SyncAsync(since: bobSince)).Changed());
    }

    [Fact]
    public async Task A_room_mate_who_leaves_the_last_shared_room_is_listed_as_left()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var first = await alice.SharedRoomAsync(bob, carol);
        await alice.SharedRoomAsync(carol);
        var since = (await alice.SyncAsync()).NextBatch();

        await bob.LeaveAsync(first);
        await carol.LeaveAsync(first); // still shares the second room

        var sync = await alice.SyncAsync(since: since);
        Assert.Equal([bob.UserId], sync.Left());
        Assert.DoesNotContain(carol.UserId, sync.Left());
    }

    [Fact]
    public async Task Keys_changes_lists_who_changed_between_two_tokens()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var room = await alice.SharedRoomAsync(bob, carol);
        var from = (await alice.SyncAsync()).NextBatch();

        await bob.UploadDeviceKeysAsync();
        await carol.LeaveAsync(room);
        var to = (await alice.SyncAsync(since: from)).NextBatch();
        await Server.LoginAsync(alice.UserId); // after "to": not part of the answer

        var changes = await alice.KeyChangesAsync(from, to);
        Assert.Equal([bob.UserId], changes.Changed());
        Assert.Equal([carol.UserId], changes.Left());
        Assert.Empty((await alice.KeyChangesAsync(to, to)).Changed());
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync("/_matrix/client/v3/keys/changes?from=nonsense&to=" + to),
            System.Net.HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }
}
