using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using static Homeserver.Storage.Tests.Federation.History.HistoryRoom;
using static Homeserver.Storage.Tests.Rooms.InputRoom;

namespace Homeserver.Storage.Tests.Federation.History;

/// <summary>
/// History visibility for servers (Synapse's <c>filter_events_for_server</c>): what a server may not see is served
/// redacted, never dropped.
/// </summary>
public sealed class ServerEventVisibilityTests
{
    [Fact]
    public async Task Joined_visibility_redacts_events_from_before_the_servers_user_joined()
    {
        await using var room = await HistoryRoom.CreateAsync();
        await room.VisibilityAsync("joined");
        var before = await room.MessageAsync("before Bob");
        await room.MembershipAsync(Bob, Memberships.Join);
        var after = await room.MessageAsync("after Bob");

        var served = await room.ServedAsync(Remote, before, after);

        Assert.False(IsWhole(served[before.EventId], before));
        Assert.Equal(new JsonObject(), served[before.EventId]["content"]);
        Assert.Equal(before.EventId, EventIdsOf(new JsonArray(served[before.EventId].DeepClone())).Single());
        Assert.True(IsWhole(served[after.EventId], after));
        // A server with no user in the room sees neither.
        var stranger = await room.ServedAsync(Stranger, before, after);
        Assert.False(IsWhole(stranger[after.EventId], after));
    }

    [Fact]
    public async Task Invited_visibility_shows_events_from_the_servers_invite_on_and_joined_does_not()
    {
        await using var room = await HistoryRoom.CreateAsync();
        await room.VisibilityAsync("invited");
        var beforeInvite = await room.MessageAsync("before the invite");
        await room.LocalAsync(EventTypes.Member, Eve, new JsonObject { ["membership"] = "invite" });
        var afterInvite = await room.MessageAsync("Eve is invited");
        await room.VisibilityAsync("joined");
        var joinedOnly = await room.MessageAsync("only for joined servers");

        var served = await room.ServedAsync(Remote, beforeInvite, afterInvite, joinedOnly);

        Assert.False(IsWhole(served[beforeInvite.EventId], beforeInvite));
        Assert.True(IsWhole(served[afterInvite.EventId], afterInvite));
        Assert.False(IsWhole(served[joinedOnly.EventId], joinedOnly));
    }

    [Fact]
    public async Task An_erased_senders_events_are_redacted_even_for_a_server_whose_user_was_joined()
    {
        await using var room = await HistoryRoom.CreateAsync();
        await room.MembershipAsync(Bob, Memberships.Join);
        var message = await room.MessageAsync("erase me");
        var whole = await room.ServedAsync(Remote, message);
        await using (var command = room.Room.DataSource.CreateCommand(
                         "INSERT INTO users (user_id, created_ts, erased, deactivated) VALUES ($1, 0, true, true)"))
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Alice });
            await command.ExecuteNonQueryAsync();
        }

        var served = await room.ServedAsync(Remote, message);

        Assert.True(IsWhole(whole[message.EventId], message));
        Assert.False(IsWhole(served[message.EventId], message));
        Assert.Equal(new JsonObject(), served[message.EventId]["content"]);
    }

    [Fact]
    public async Task Shared_and_world_readable_events_are_whole_for_any_server()
    {
        await using var room = await HistoryRoom.CreateAsync();
        var shared = await room.MessageAsync("shared by default");
        await room.VisibilityAsync("world_readable");
        var worldReadable = await room.MessageAsync("world readable");

        var served = await room.ServedAsync(Stranger, shared, worldReadable);

        Assert.True(IsWhole(served[shared.EventId], shared));
        Assert.True(IsWhole(served[worldReadable.EventId], worldReadable));
    }

    [Fact]
    public async Task A_server_whose_user_left_gets_the_events_after_the_leave_redacted()
    {
        await using var room = await HistoryRoom.CreateAsync();
        await room.VisibilityAsync("joined");
        await room.MembershipAsync(Bob, Memberships.Join);
        var whileJoined = await room.MessageAsync("Bob is here");
        await room.MembershipAsync(Bob, Memberships.Leave);
        var afterLeave = await room.MessageAsync("Bob left");

        var served = await room.ServedAsync(Remote, whileJoined, afterLeave);

        Assert.True(IsWhole(served[whileJoined.EventId], whileJoined));
        Assert.False(IsWhole(served[afterLeave.EventId], afterLeave));
        Assert.Equal(2, served.Count); // redacted, not dropped
    }

    [Fact]
    public async Task A_redacted_event_is_served_redacted_to_a_server_that_may_see_it()
    {
        await using var room = await HistoryRoom.CreateAsync();
        var message = await room.MessageAsync("regretted");
        await room.LocalAsync("m.room.redaction", null, new JsonObject { ["redacts"] = message.EventId });

        var served = await room.ServedAsync(Remote, message);

        Assert.False(IsWhole(served[message.EventId], message));
        Assert.Null(served[message.EventId]["unsigned"]);
    }
}
