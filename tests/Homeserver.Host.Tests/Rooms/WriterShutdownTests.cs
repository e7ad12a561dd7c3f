using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Rooms;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>Shutting the server down finishes the appends already queued before the database goes.</summary>
public sealed class WriterShutdownTests
{
    [Fact]
    public async Task Shutdown_with_appends_queued_commits_them_before_the_database_is_closed()
    {
        var server = await LiveServer.StartAsync();
        var alice = await server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var services = server.Instance.App.Services;
        var writer = services.GetRequiredService<IRoomEventWriter>();
        var factory = services.GetRequiredService<RoomEventFactory>();

        var appends = Enumerable.Range(0, 100).Select(i => writer.AppendAsync(room, head =>
            [new NewRoomEvent(factory.Build(head, new PduTemplate("m.room.message", alice.UserId, null,
                new JsonObject { ["msgtype"] = "m.text", ["body"] = $"queued {i}" })))], CancellationToken.None)).ToList();
        await server.DisposeAsync();

        Assert.All(await Task.WhenAll(appends), events => Assert.Single(events));
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM events WHERE room_id = @room AND type = 'm.room.message'", connection);
        count.Parameters.AddWithValue("room", room);
        Assert.Equal(100L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_send_once_the_writer_has_shut_down_answers_503_not_500()
    {
        await using var server = await LiveServer.StartAsync();
        var alice = await server.RegisterAsync();
        var room = await alice.CreateRoomAsync();

        await ((IAsyncDisposable)server.Instance.App.Services.GetRequiredService<IRoomEventWriter>()).DisposeAsync();

        await MatrixAssert.ErrorAsync(await alice.TrySendAsync(room, "m.room.message",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "too late" }), HttpStatusCode.ServiceUnavailable,
            "M_UNKNOWN");
    }
}
