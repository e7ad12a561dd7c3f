using System.Net;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.Support.RoomSteps;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>GET /v1/rooms/{roomId}/threads: thread roots, the most recently active first.</summary>
public sealed class ThreadsTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string Path(string roomId, string query = "") =>
        $"/_matrix/client/v1/rooms/{Escape(roomId)}/threads{query}";

    [Fact]
    public async Task Threads_are_listed_by_latest_activity_with_their_summary()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var older = await alice.SendTextAsync(roomId, "older root");
        var newer = await alice.SendTextAsync(roomId, "newer root");
        await alice.SendTextAsync(roomId, "not a thread");
        await alice.RelateAsync(roomId, newer, "m.thread");
        await alice.RelateAsync(roomId, older, "m.thread");

        var threads = await alice.GetJsonAsync(Path(roomId));

        Assert.Equal([older, newer], threads.GetProperty("chunk").EventIds());
        Assert.Equal(1, threads.GetProperty("chunk")[0].GetProperty("unsigned").GetProperty("m.relations")
            .GetProperty("m.thread").GetProperty("count").GetInt32());
        Assert.False(threads.TryGetProperty("next_batch", out _));
    }

    [Fact]
    public async Task Next_batch_pages_through_the_threads()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var roots = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var root = await alice.SendTextAsync(roomId, $"root {i}");
            await alice.RelateAsync(roomId, root, "m.thread");
            roots.Add(root);
        }

        var first = await alice.GetJsonAsync(Path(roomId, "?limit=2"));
        var second = await alice.GetJsonAsync(Path(roomId, $"?limit=2&from={first.GetProperty("next_batch").GetString()}"));

        Assert.Equal([roots[2], roots[1]], first.GetProperty("chunk").EventIds());
        Assert.Equal([roots[0]], second.GetProperty("chunk").EventIds());
    }

    [Fact]
    public async Task Include_participated_lists_only_threads_the_user_started_or_replied_to()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);
        var bobsRoot = await bob.SendTextAsync(roomId, "bob's");
        await alice.RelateAsync(roomId, bobsRoot, "m.thread");
        var repliedTo = await alice.SendTextAsync(roomId, "alice's, bob replies");
        await bob.RelateAsync(roomId, repliedTo, "m.thread");
        var notBobs = await alice.SendTextAsync(roomId, "alice only");
        await alice.RelateAsync(roomId, notBobs, "m.thread");

        var all = await bob.GetJsonAsync(Path(roomId, "?include=all"));
        var participated = await bob.GetJsonAsync(Path(roomId, "?include=participated"));

        Assert.Equal(3, all.GetProperty("chunk").GetArrayLength());
        Assert.Equal([repliedTo, bobsRoot], participated.GetProperty("chunk").EventIds());
        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(Path(roomId, "?include=some")),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Threads_of_a_room_the_user_is_not_in_are_M_FORBIDDEN()
    {
        var alice = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await eve.Client.GetAsync(Path(roomId)), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }
}
