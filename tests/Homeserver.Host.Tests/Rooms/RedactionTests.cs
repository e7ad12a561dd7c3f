using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Npgsql;

namespace Homeserver.Host.Tests.Rooms;

public sealed class RedactionTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Theory]
    [InlineData("1")]
    [InlineData("3")]
    [InlineData("10")]
    [InlineData("11")]
    [InlineData("12")]
    public async Task A_redacted_message_loses_its_content_shows_why_and_is_kept_for_admins(string version)
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["room_version"] = version });
        var eventId = await alice.SendTextAsync(roomId, "secret");

        var redactionId = await alice.RedactAsync(roomId, eventId, "oops");

        var redacted = await alice.GetEventAsync(roomId, eventId);
        Assert.Empty(redacted.GetProperty("content").EnumerateObject());
        var because = redacted.GetProperty("unsigned").GetProperty("redacted_because");
        Assert.Equal(redactionId, because.GetProperty("event_id").GetString());
        Assert.Equal("oops", because.GetProperty("content").GetProperty("reason").GetString());
        Assert.Contains("secret", await StoredJsonAsync(eventId), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10", false)]
    [InlineData("11", true)]
    [InlineData("12", true)]
    public async Task Redacted_power_levels_keep_what_the_room_version_keeps(string version, bool keepsInvite)
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["room_version"] = version });
        var powerLevelsId = await StateEventIdAsync(alice, roomId, "m.room.power_levels");

        await alice.RedactAsync(roomId, powerLevelsId);

        var content = (await alice.GetEventAsync(roomId, powerLevelsId)).GetProperty("content");
        Assert.True(content.TryGetProperty("ban", out _));
        Assert.False(content.TryGetProperty("notifications", out _));
        Assert.Equal(keepsInvite, content.TryGetProperty("invite", out _));
    }

    [Fact]
    public async Task A_redacted_member_event_keeps_its_membership_only()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var memberId = await StateEventIdAsync(alice, roomId, "m.room.member");

        await alice.RedactAsync(roomId, memberId);

        var content = (await alice.GetEventAsync(roomId, memberId)).GetProperty("content");
        Assert.Equal("join", content.GetProperty("membership").GetString());
        Assert.False(content.TryGetProperty("displayname", out _));
    }

    [Fact]
    public async Task Only_the_sender_or_a_user_with_redact_power_may_redact()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var bob = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));
        var alicesMessage = await alice.SendTextAsync(roomId, "from alice");
        var bobsMessage = await bob.SendTextAsync(roomId, "from bob");

        var refused = await bob.TryRedactAsync(roomId, alicesMessage);
        await bob.RedactAsync(roomId, bobsMessage);
        await alice.RedactAsync(roomId, bobsMessage, "moderation");

        await MatrixAssert.ErrorAsync(refused, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Equal("from alice", (await alice.GetEventAsync(roomId, alicesMessage)).GetProperty("content").GetProperty("body").GetString());
    }

    [Theory]
    [InlineData("10")]
    [InlineData("11")]
    [InlineData("12")]
    public async Task A_redaction_carries_redacts_at_the_top_level_for_clients_in_every_room_version(string version)
    {
        // Version 11 moved "redacts" into the content; clients written before it (matrix-js-sdk among them) read
        // the top-level field, so it is copied there as Synapse does.
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["room_version"] = version });
        var eventId = await alice.SendTextAsync(roomId, "x");

        var redaction = await alice.GetEventAsync(roomId, await alice.RedactAsync(roomId, eventId));

        Assert.Equal(eventId, redaction.GetProperty("redacts").GetString());
    }

    [Fact]
    public async Task Redacting_an_unknown_event_is_404_and_redaction_is_idempotent_per_txn()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var eventId = await alice.SendTextAsync(roomId, "x");

        await MatrixAssert.ErrorAsync(await alice.TryRedactAsync(roomId, "$unknown"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        var first = await MatrixAssert.OkAsync(await alice.TryRedactAsync(roomId, eventId, txnId: "t"));
        var second = await MatrixAssert.OkAsync(await alice.TryRedactAsync(roomId, eventId, txnId: "t"));
        Assert.Equal(first.GetProperty("event_id").GetString(), second.GetProperty("event_id").GetString());
    }

    [Fact]
    public async Task Later_events_are_authorised_against_the_redacted_form_of_redacted_state()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["room_version"] = "10",
            ["preset"] = "public_chat",
            ["power_level_content_override"] = new JsonObject { ["invite"] = 100 },
        });
        await bob.JoinAsync(roomId);
        var invite = new JsonObject { ["user_id"] = carol.UserId };
        await MatrixAssert.ErrorAsync(await bob.PostRoomAsync(roomId, "invite", invite), HttpStatusCode.Forbidden, "M_FORBIDDEN");

        // Version 10's redaction drops "invite" from power levels, so the default (0) applies afterwards.
        await alice.RedactAsync(roomId, await StateEventIdAsync(alice, roomId, "m.room.power_levels"));

        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "invite", invite.DeepClone().AsObject()));
    }

    private static async Task<string> StateEventIdAsync(TestSession session, string roomId, string type) =>
        (await MatrixAssert.OkAsync(await session.Client.GetAsync($"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state")))
        .EnumerateArray().First(e => e.GetProperty("type").GetString() == type).GetProperty("event_id").GetString()!;

    private async Task<string> StoredJsonAsync(string eventId)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT json FROM events WHERE event_id = @id", connection);
        command.Parameters.AddWithValue("id", eventId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
