using System.Text.Json;
using Homeserver.Bridges.AppService.Events;

namespace Homeserver.Bridges.AppService.Tests;

public sealed class EventParsingTests
{
    [Fact]
    public void Message_reads_html_reply_edit_and_thread_fields()
    {
        var reply = Parse<RoomMessageEvent>("""
            {"type": "m.room.message", "event_id": "$e", "room_id": "!r:x", "sender": "@a:x", "origin_server_ts": 5,
             "content": {"msgtype": "m.text", "body": "> quote\n\nhi", "format": "org.matrix.custom.html",
                         "formatted_body": "<mx-reply>q</mx-reply>hi", "m.relates_to": {"m.in_reply_to": {"event_id": "$p"}}}}
            """);
        var edit = Parse<RoomMessageEvent>("""
            {"type": "m.room.message", "content": {"msgtype": "m.text", "body": "* new",
             "m.new_content": {"msgtype": "m.text", "body": "new"}, "m.relates_to": {"rel_type": "m.replace", "event_id": "$old"}}}
            """);
        var threaded = Parse<RoomMessageEvent>("""
            {"type": "m.room.message", "content": {"msgtype": "m.text", "body": "t",
             "m.relates_to": {"rel_type": "m.thread", "event_id": "$root", "is_falling_back": true, "m.in_reply_to": {"event_id": "$last"}}}}
            """);

        Assert.Equal("<mx-reply>q</mx-reply>hi", reply.FormattedBody);
        Assert.Equal("$p", reply.ReplyTo);
        Assert.Equal(5, reply.OriginServerTs);
        Assert.False(reply.IsEdit);
        Assert.True(edit.IsEdit);
        Assert.Equal("$old", edit.RelatesTo!.EventId);
        Assert.Equal("new", edit.NewContent!.Value.GetProperty("body").GetString());
        Assert.Equal("$root", threaded.ThreadRoot);
        Assert.Null(threaded.ReplyTo);
    }

    [Fact]
    public void Html_is_only_read_in_the_html_format()
    {
        var message = Parse<RoomMessageEvent>("""{"type": "m.room.message", "content": {"body": "b", "formatted_body": "<x>"}}""");

        Assert.Null(message.FormattedBody);
    }

    [Fact]
    public void Redaction_reads_redacts_from_content_in_v11_and_top_level_before()
    {
        Assert.Equal("$a", Parse<RedactionEvent>("""{"type": "m.room.redaction", "content": {"redacts": "$a"}}""").Redacts);
        Assert.Equal("$b", Parse<RedactionEvent>("""{"type": "m.room.redaction", "redacts": "$b", "content": {}}""").Redacts);
    }

    [Fact]
    public void Reaction_and_member_and_receipt_and_presence_are_typed()
    {
        var reaction = Parse<ReactionEvent>("""
            {"type": "m.reaction", "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$t", "key": "👍"}}}
            """);
        var member = Parse<RoomMemberEvent>("""
            {"type": "m.room.member", "state_key": "@b:x", "content": {"membership": "join", "displayname": "B", "is_direct": true}}
            """);
        var receipt = Parse<ReceiptEvent>("""
            {"type": "m.receipt", "room_id": "!r:x", "content": {"$e": {"m.read": {"@u:x": {"ts": 7, "thread_id": "main"}}}}}
            """);
        var presence = Parse<PresenceEvent>("""
            {"type": "m.presence", "sender": "@u:x", "content": {"presence": "online", "status_msg": "hi", "currently_active": true}}
            """);

        Assert.Equal(("$t", "👍"), (reaction.TargetEventId, reaction.Key));
        Assert.Equal(("join", "B", true, "@b:x"), (member.Membership, member.DisplayName, member.IsDirect, member.StateKey));
        Assert.True(member.IsState);
        Assert.Equal([new Receipt("$e", "m.read", "@u:x", 7, "main")], receipt.Receipts);
        Assert.Equal(("online", "hi", true), (presence.Presence, presence.StatusMessage, presence.CurrentlyActive));
    }

    [Fact]
    public void Unknown_types_arrive_as_plain_events_and_non_events_as_null()
    {
        Assert.IsType<MatrixEvent>(EventParser.Parse(Json("""{"type": "org.example.custom", "content": {"a": 1}}"""), false));
        Assert.Null(EventParser.Parse(Json("""{"content": {}}"""), false));
        Assert.Null(EventParser.Parse(Json("[1]"), false));
    }

    [Theory]
    [InlineData("!discord link 123", "link", new[] { "123" })]
    [InlineData("  !Discord   STATUS  ", "status", new string[0])]
    [InlineData("!discord", "help", new string[0])]
    public void Bot_commands_are_the_prefix_then_a_verb_and_arguments(string body, string verb, string[] arguments)
    {
        var command = BotCommand.Parse(Message(body), "!discord");

        Assert.NotNull(command);
        Assert.Equal(verb, command.Verb);
        Assert.Equal(arguments, command.Arguments);
    }

    [Theory]
    [InlineData("hello !discord link")]
    [InlineData("!discordlink")]
    [InlineData("")]
    public void Other_messages_are_not_bot_commands(string body) => Assert.Null(BotCommand.Parse(Message(body), "!discord"));

    private static RoomMessageEvent Message(string body) =>
        Parse<RoomMessageEvent>(JsonSerializer.Serialize(new { type = "m.room.message", content = new { msgtype = "m.text", body } }));

    private static T Parse<T>(string json) where T : MatrixEvent => Assert.IsType<T>(EventParser.Parse(Json(json), false));

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;
}
