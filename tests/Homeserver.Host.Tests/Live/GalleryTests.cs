using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Homeserver.Host.Tests.Media;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Live.Gallery;
using Homeserver.Services.Streams;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Homeserver.Host.Tests.Live;

/// <summary>GET /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/gallery (docs/LIVE.md).</summary>
public sealed class GalleryTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_posted_link_and_an_uploaded_image_appear_newest_first()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var link = await alice.SendTextAsync(roomId, "the set list: https://live.example/setlist.");
        var mxc = await alice.UploadAsync(TestImages.Png(8, 8), "image/png", "stage.png");
        var image = await alice.SendAsync(roomId, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.image", ["body"] = "stage.png", ["url"] = $"mxc://{mxc.ServerName}/{mxc.MediaId}",
            ["info"] = new JsonObject { ["mimetype"] = "image/png", ["w"] = 8, ["h"] = 8 },
        });
        await alice.SendTextAsync(roomId, "no links here");

        var chunk = (await WaitForAsync(alice, roomId, image)).GetProperty("chunk").EnumerateArray().ToList();

        Assert.Equal(new[] { image, link }, chunk.Select(e => e.GetProperty("event_id").GetString()!));
        Assert.Equal("image", chunk[0].GetProperty("kind").GetString());
        Assert.Equal($"mxc://{mxc.ServerName}/{mxc.MediaId}", chunk[0].GetProperty("url").GetString());
        Assert.Equal("image/png", chunk[0].GetProperty("mimetype").GetString());
        Assert.Equal(8, chunk[0].GetProperty("info").GetProperty("w").GetInt32());
        Assert.Equal("stage.png", chunk[0].GetProperty("body").GetString());
        Assert.Equal(alice.UserId, chunk[0].GetProperty("sender").GetString());
        Assert.True(chunk[0].GetProperty("origin_server_ts").GetInt64() > 0);
        Assert.Equal("link", chunk[1].GetProperty("kind").GetString());
        Assert.Equal("https://live.example/setlist", chunk[1].GetProperty("url").GetString());
        Assert.Equal("the set list: https://live.example/setlist.", chunk[1].GetProperty("body").GetString());
        Assert.False(chunk[1].TryGetProperty("mimetype", out _));
    }

    [Fact]
    public async Task The_kind_filter_lists_only_links_or_only_media()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var link = await alice.SendTextAsync(roomId, "https://a.example/1");
        var file = await alice.SendAsync(roomId, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.file", ["body"] = "notes.pdf", ["url"] = "mxc://localhost/notes",
        });
        var sticker = await alice.SendAsync(roomId, "m.sticker", new JsonObject
        {
            ["body"] = "wave", ["url"] = "mxc://localhost/wave", ["info"] = new JsonObject(),
        });
        await WaitForAsync(alice, roomId, sticker);

        Assert.Equal(new[] { link }, Ids(await GalleryAsync(alice, roomId, "kind=links")));
        Assert.Equal(new[] { sticker, file }, Ids(await GalleryAsync(alice, roomId, "kind=media")));
        Assert.Equal(new[] { sticker, file, link }, Ids(await GalleryAsync(alice, roomId, "kind=all")));
    }

    [Fact]
    public async Task Pages_follow_each_other_without_duplicates_or_gaps()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var expected = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            // Every other message carries two links: a page may end between the entries of one event.
            var body = i % 2 == 0 ? $"https://a.example/{i}" : $"https://a.example/{i} and https://b.example/{i}";
            await alice.SendTextAsync(roomId, body);
            expected.InsertRange(0, i % 2 == 0
                ? new[] { $"https://a.example/{i}" }
                : new[] { $"https://a.example/{i}", $"https://b.example/{i}" });
        }

        await Eventually.HoldsAsync(async () => (await GalleryAsync(alice, roomId, "limit=1")).GetProperty("chunk")
            .EnumerateArray().Any(e => e.GetProperty("url").GetString() == "https://a.example/6"), "the last link is indexed");

        var seen = new List<string>();
        string? from = null;
        var pages = 0;
        do
        {
            var page = await GalleryAsync(alice, roomId, "limit=3" + (from is null ? "" : "&from=" + Uri.EscapeDataString(from)));
            var urls = page.GetProperty("chunk").EnumerateArray().Select(e => e.GetProperty("url").GetString()!).ToList();
            Assert.InRange(urls.Count, 1, 3);
            seen.AddRange(urls);
            from = page.TryGetProperty("next_batch", out var next) ? next.GetString() : null;
            pages++;
        }
        while (from is not null && pages < 10);

        Assert.Equal(expected, seen); // newest event first, an event's links in text order
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task A_redacted_message_drops_out_of_the_gallery_at_once()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var kept = await alice.SendTextAsync(roomId, "https://kept.example");
        var spam = await alice.SendTextAsync(roomId, "https://spam.example and https://more-spam.example");
        await WaitForAsync(alice, roomId, spam);

        await alice.RedactAsync(roomId, spam, "spam");

        // Whether or not the index has seen the redaction yet: the read skips events the store knows are redacted.
        Assert.Equal(new[] { kept }, Ids(await GalleryAsync(alice, roomId)));
    }

    [Fact]
    public async Task A_redaction_deletes_the_index_rows_of_its_event()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var kept = await alice.SendTextAsync(roomId, "https://kept.example");
        var spam = await alice.SendTextAsync(roomId, "https://spam.example and https://more-spam.example");
        await WaitForAsync(alice, roomId, spam);
        Assert.Equal(2, await IndexRowsAsync(spam));

        await alice.RedactAsync(roomId, spam, "spam");
        var after = await alice.SendTextAsync(roomId, "https://after.example");
        await WaitForAsync(alice, roomId, after); // the index is filled in stream order: the redaction was handled

        Assert.Equal(0, await IndexRowsAsync(spam));
        Assert.Equal(1, await IndexRowsAsync(kept));
    }

    [Fact]
    public async Task A_batch_handed_again_indexes_nothing_twice()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var first = await alice.SendTextAsync(roomId, "https://once.example/1");
        var second = await alice.SendTextAsync(roomId, "https://once.example/2");
        await WaitForAsync(alice, roomId, second);

        // At-least-once delivery: the runner hands a batch again when it failed after handling part of it.
        var services = Server.Instance.App.Services;
        var indexer = services.GetServices<IEventStreamConsumer>().OfType<GalleryIndexer>().Single();
        var again = (await services.GetRequiredService<IEventStreamReader>().ReadAfterAsync(0, int.MaxValue,
            CancellationToken.None)).Where(e => e.Pdu.RoomId == roomId).ToList();
        await indexer.HandleAsync(again, CancellationToken.None);

        Assert.Equal(new[] { second, first }, Ids(await GalleryAsync(alice, roomId)));
    }

    [Fact]
    public async Task An_outsider_of_a_private_room_is_refused_as_by_messages()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomWithVisibilityAsync("shared", preset: "private_chat");
        await alice.SendTextAsync(roomId, "https://private.example");

        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(roomId, "messages?dir=b"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(GalleryPath(roomId)), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(GalleryPath("!unknown:localhost")),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(GalleryPath(roomId)),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task A_guest_reads_the_gallery_of_a_world_readable_room_without_joining()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomWithVisibilityAsync("world_readable");
        var link = await alice.SendTextAsync(roomId, "stream: https://stream.example/live");
        await WaitForAsync(alice, roomId, link);
        var guest = await Server.RegisterGuestAsync();

        var page = await GalleryAsync(guest, roomId);

        Assert.Equal(new[] { link }, Ids(page));
    }

    [Fact]
    public async Task Entries_from_before_a_member_could_see_history_are_hidden_from_them()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomWithVisibilityAsync("joined");
        var before = await alice.SendTextAsync(roomId, "https://before.example");
        await bob.JoinAsync(roomId);
        var after = await alice.SendTextAsync(roomId, "https://after.example");
        await WaitForAsync(alice, roomId, after);

        Assert.Equal(new[] { after, before }, Ids(await GalleryAsync(alice, roomId)));
        Assert.Equal(new[] { after }, Ids(await GalleryAsync(bob, roomId)));
        Assert.DoesNotContain(before, (await bob.MessagesAsync(roomId)).GetProperty("chunk").EventIds());
    }

    [Fact]
    public async Task A_message_from_an_ignored_user_is_left_out_as_in_messages()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);
        var fromBob = await bob.SendTextAsync(roomId, "https://bob.example");
        var fromAlice = await alice.SendTextAsync(roomId, "https://alice.example");
        await WaitForAsync(alice, roomId, fromAlice);
        await alice.IgnoreAsync(bob.UserId);

        Assert.Equal(new[] { fromAlice }, Ids(await GalleryAsync(alice, roomId)));
        Assert.Equal(new[] { fromAlice, fromBob }, Ids(await GalleryAsync(bob, roomId)));
    }

    [Theory]
    [InlineData("kind=pictures")]
    [InlineData("from=s12")]
    [InlineData("from=g1")]
    [InlineData("limit=ten")]
    public async Task Bad_query_parameters_are_invalid_param(string query)
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(GalleryPath(roomId) + "?" + query),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    private static string GalleryPath(string roomId) =>
        $"/_matrix/client/unstable/org.homeserver.live/rooms/{RoomSteps.Escape(roomId)}/gallery";

    private static async Task<JsonElement> GalleryAsync(TestSession session, string roomId, string query = "") =>
        await MatrixAssert.OkAsync(await session.Client.GetAsync(GalleryPath(roomId) + (query == "" ? "" : "?" + query)));

    /// <summary>The index is filled from the event stream after the send answered: waits until the event is in it.</summary>
    private static async Task<JsonElement> WaitForAsync(TestSession session, string roomId, string eventId)
    {
        JsonElement page = default;
        await Eventually.HoldsAsync(async () =>
        {
            page = await GalleryAsync(session, roomId);
            return Ids(page).Contains(eventId);
        }, $"{eventId} is in the gallery");
        return page;
    }

    private static List<string> Ids(JsonElement page) =>
        page.GetProperty("chunk").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!).ToList();

    private async Task<long> IndexRowsAsync(string eventId)
    {
        await using var dataSource = NpgsqlDataSource.Create(Server.ConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM live_gallery_items WHERE event_id = @eventId", new { eventId });
    }
}
