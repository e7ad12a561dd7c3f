using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Json;

namespace Homeserver.Core.Tests.Events;

public sealed class RedactionTests
{
    private static JsonObject Event(string type, string content, string extraTopLevel = "") =>
        (JsonObject)JsonNode.Parse($$$"""
            {"type": "{{{type}}}", "room_id": "!r:d", "sender": "@u:d", "state_key": "", "event_id": "$e:d",
             "content": {{{content}}}, "hashes": {"sha256": "h"}, "signatures": {"d": {"ed25519:1": "s"}},
             "depth": 1, "prev_events": [], "auth_events": [], "origin_server_ts": 5, "origin": "d",
             "membership": "join", "prev_state": [], "unsigned": {"age": 1}, "extra": 1 {{{extraTopLevel}}}}
            """)!;

    private static string Redacted(string type, string content, RoomVersion version) =>
        CanonicalJson.EncodeToString(Redaction.Redact(Event(type, content), version)["content"]);

    [Fact]
    public void Unknown_top_level_keys_and_unsigned_are_removed()
    {
        var redacted = Redaction.Redact(Event("m.room.message", "{\"body\":\"x\"}"), RoomVersions.V1);
        Assert.False(redacted.ContainsKey("extra"));
        Assert.False(redacted.ContainsKey("unsigned"));
        Assert.Equal("{}", CanonicalJson.EncodeToString(redacted["content"]));
        foreach (var key in new[] { "event_id", "type", "room_id", "sender", "state_key", "hashes", "signatures",
                     "depth", "prev_events", "auth_events", "origin_server_ts", "origin", "membership", "prev_state" })
        {
            Assert.True(redacted.ContainsKey(key), key);
        }
    }

    [Fact]
    public void Version_11_no_longer_keeps_origin_membership_and_prev_state()
    {
        var redacted = Redaction.Redact(Event("m.room.message", "{}"), RoomVersions.V11);
        Assert.False(redacted.ContainsKey("origin"));
        Assert.False(redacted.ContainsKey("membership"));
        Assert.False(redacted.ContainsKey("prev_state"));
        Assert.True(redacted.ContainsKey("origin_server_ts"));
    }

    [Fact]
    public void Redaction_does_not_change_the_input()
    {
        var original = Event("m.room.message", "{\"body\":\"x\"}");
        Redaction.Redact(original, RoomVersions.V1);
        Assert.Equal("x", original["content"]!["body"]!.GetValue<string>());
        Assert.True(original.ContainsKey("unsigned"));
    }

    [Theory]
    [InlineData("1", "{\"creator\":\"@u:d\"}")]
    [InlineData("10", "{\"creator\":\"@u:d\"}")]
    [InlineData("11", "{\"creator\":\"@u:d\",\"m.federate\":false,\"room_version\":\"11\"}")]
    [InlineData("12", "{\"creator\":\"@u:d\",\"m.federate\":false,\"room_version\":\"11\"}")]
    public void Create_events_keep_creator_then_everything_from_version_11(string version, string expected)
    {
        RoomVersions.TryGet(version, out var v);
        Assert.Equal(expected, Redacted("m.room.create",
            "{\"creator\":\"@u:d\",\"m.federate\":false,\"room_version\":\"11\"}", v));
    }

    [Theory]
    [InlineData("1", "{\"membership\":\"join\"}")]
    [InlineData("8", "{\"membership\":\"join\"}")]
    [InlineData("9", "{\"join_authorised_via_users_server\":\"@a:d\",\"membership\":\"join\"}")]
    [InlineData("11", "{\"join_authorised_via_users_server\":\"@a:d\",\"membership\":\"join\",\"third_party_invite\":{\"signed\":{\"token\":\"t\"}}}")]
    public void Member_events_keep_membership_and_later_the_authorising_user_and_invite_signature(string version,
        string expected)
    {
        RoomVersions.TryGet(version, out var v);
        Assert.Equal(expected, Redacted("m.room.member",
            "{\"membership\":\"join\",\"displayname\":\"A\",\"join_authorised_via_users_server\":\"@a:d\"," +
            "\"third_party_invite\":{\"display_name\":\"x\",\"signed\":{\"token\":\"t\"}}}", v));
    }

    [Theory]
    [InlineData("7", "{\"join_rule\":\"restricted\"}")]
    [InlineData("8", "{\"allow\":[],\"join_rule\":\"restricted\"}")]
    public void Join_rules_keep_allow_from_version_8(string version, string expected)
    {
        RoomVersions.TryGet(version, out var v);
        Assert.Equal(expected, Redacted("m.room.join_rules", "{\"join_rule\":\"restricted\",\"allow\":[],\"x\":1}", v));
    }

    [Theory]
    [InlineData("10", "{\"ban\":50,\"events\":{},\"events_default\":0,\"kick\":50,\"redact\":50,\"state_default\":50,\"users\":{},\"users_default\":0}")]
    [InlineData("11", "{\"ban\":50,\"events\":{},\"events_default\":0,\"invite\":0,\"kick\":50,\"redact\":50,\"state_default\":50,\"users\":{},\"users_default\":0}")]
    public void Power_levels_keep_invite_from_version_11(string version, string expected)
    {
        RoomVersions.TryGet(version, out var v);
        Assert.Equal(expected, Redacted("m.room.power_levels",
            "{\"ban\":50,\"events\":{},\"events_default\":0,\"invite\":0,\"kick\":50,\"redact\":50," +
            "\"state_default\":50,\"users\":{},\"users_default\":0,\"notifications\":{\"room\":50}}", v));
    }

    [Theory]
    [InlineData("5", "{\"aliases\":[\"#a:d\"]}")]
    [InlineData("6", "{}")]
    public void Aliases_lose_their_special_case_in_version_6(string version, string expected)
    {
        RoomVersions.TryGet(version, out var v);
        Assert.Equal(expected, Redacted("m.room.aliases", "{\"aliases\":[\"#a:d\"]}", v));
    }

    [Theory]
    [InlineData("10", "{}")]
    [InlineData("11", "{\"redacts\":\"$x\"}")]
    public void Redaction_events_keep_redacts_in_content_from_version_11(string version, string expected)
    {
        RoomVersions.TryGet(version, out var v);
        Assert.Equal(expected, Redacted("m.room.redaction", "{\"redacts\":\"$x\",\"reason\":\"spam\"}", v));
    }

    [Fact]
    public void History_visibility_keeps_its_value() =>
        Assert.Equal("{\"history_visibility\":\"shared\"}",
            Redacted("m.room.history_visibility", "{\"history_visibility\":\"shared\",\"x\":1}", RoomVersions.V1));
}
