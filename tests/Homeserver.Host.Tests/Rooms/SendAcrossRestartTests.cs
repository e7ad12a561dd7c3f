using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

public sealed class SendAcrossRestartTests
{
    [Fact]
    public async Task A_retried_transaction_after_a_restart_returns_the_first_event()
    {
        string connectionString, roomId, eventId;
        TestSession alice;
        await using (var first = await LiveServer.StartAsync())
        {
            connectionString = first.ConnectionString;
            alice = await first.RegisterAsync();
            roomId = await alice.CreateRoomAsync();
            eventId = await alice.SendTextAsync(roomId, "before the restart", "txn-restart");
        }

        await using var second = await LiveServer.StartAsync(connectionString);
        var again = second.NewClient(alice.AccessToken);
        var session = alice with { Client = again };

        Assert.Equal(eventId, await session.SendTextAsync(roomId, "before the restart", "txn-restart"));
        Assert.Single(await session.MessageListAsync(roomId), e => e.GetProperty("type").GetString() == "m.room.message");
    }
}
