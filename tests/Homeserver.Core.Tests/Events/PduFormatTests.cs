using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Homeserver.Core.Encoding;
using Homeserver.Core.Events;
using Homeserver.Core.Json;

namespace Homeserver.Core.Tests.Events;

public sealed class PduFormatTests
{
    private static JsonObject Valid(RoomVersion version)
    {
        var pdu = TestEvents.Message(version.RoomIdIsCreateEventId ? "!" + new string('A', 43) : "!r:d", "@u:d", "hi");
        if (version.EventIdFormat == EventIdFormat.ServerAssigned)
        {
            pdu["event_id"] = "$e:d";
            pdu["prev_events"] = new JsonArray(new JsonArray("$p:d", new JsonObject { ["sha256"] = "x" }));
            pdu["auth_events"] = new JsonArray(new JsonArray("$a:d", new JsonObject { ["sha256"] = "y" }));
        }

        return pdu;
    }

    public static TheoryData<string> AllVersions()
    {
        var data = new TheoryData<string>();
        foreach (var version in RoomVersions.All)
        {
            data.Add(version.Id);
        }

        return data;
    }

    private static RoomVersion V(string id) => RoomVersions.TryGet(id, out var v) ? v : throw new ArgumentException(id);

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Floats_are_accepted_up_to_version_5_and_kept_as_synapse_writes_them(string id)
    {
        var version = V(id);
        var json = Valid(version);
        json["content"]!["level"] = 0;
        var text = json.ToJsonString().Replace("\"level\":0", "\"level\":50.570", StringComparison.Ordinal);
        var parsed = Pdu.TryParse(text, version, out var pdu, out var error);
        if (version.StrictCanonicalJson)
        {
            Assert.False(parsed);
            Assert.Contains("not an integer", error, StringComparison.Ordinal);
            return;
        }

        Assert.True(parsed, error);
        Assert.Equal("50.57", pdu!.Content.GetProperty("level").GetRawText());
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void A_well_formed_event_parses_in_every_room_version(string id)
    {
        Assert.True(Pdu.TryParse(Valid(V(id)), V(id), out var pdu, out var error), error);
        Assert.Equal("m.room.message", pdu!.Type);
        Assert.Single(pdu.PrevEvents);
        Assert.Single(pdu.AuthEvents);
    }

    [Fact]
    public void Version_1_and_2_event_ids_come_from_the_event()
    {
        var pdu = Pdu.Parse(Valid(RoomVersions.V2), RoomVersions.V2);
        Assert.Equal("$e:d", pdu.EventId);
        Assert.Equal("$p:d", pdu.PrevEvents[0]);
    }

    [Theory]
    [InlineData(null, "event_id is required")]
    [InlineData("$nodomain", "$opaque:server")]
    [InlineData("nosigil:d", "$opaque:server")]
    public void Version_1_and_2_events_need_a_server_assigned_event_id(string? eventId, string reasonPart)
    {
        var json = Valid(RoomVersions.V1);
        if (eventId is null)
        {
            json.Remove("event_id");
        }
        else
        {
            json["event_id"] = eventId;
        }

        Assert.False(Pdu.TryParse(json, RoomVersions.V1, out _, out var error));
        Assert.Contains(reasonPart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_3_event_ids_are_the_standard_base64_reference_hash()
    {
        var json = Valid(RoomVersions.V3);
        var redacted = Redaction.Redact(json, RoomVersions.V3);
        redacted.Remove("signatures");
        var expected = "$" + UnpaddedBase64.Encode(SHA256.HashData(CanonicalJson.Encode(redacted)));
        Assert.Equal(expected, Pdu.Parse(json, RoomVersions.V3).EventId);
    }

    [Fact]
    public void Version_4_event_ids_are_url_safe_and_ignore_signatures_unsigned_and_content()
    {
        var json = Valid(RoomVersions.V4);
        var v3 = Pdu.Parse(json, RoomVersions.V3).EventId;
        var v4 = Pdu.Parse(json, RoomVersions.V4).EventId;
        Assert.Equal(v3.Replace('+', '-').Replace('/', '_'), v4);

        json["unsigned"] = new JsonObject { ["age"] = 99 };
        json["signatures"] = new JsonObject { ["d"] = new JsonObject { ["ed25519:1"] = "sig" } };
        json["content"]!["body"] = "different";
        Assert.Equal(v4, Pdu.Parse(json, RoomVersions.V4).EventId);
    }

    [Fact]
    public void Version_12_create_events_have_no_room_id_and_define_the_room_id()
    {
        var create = Valid(RoomVersions.V12);
        create["type"] = "m.room.create";
        create["state_key"] = "";
        create.Remove("room_id");
        create["prev_events"] = new JsonArray();
        create["auth_events"] = new JsonArray();
        var pdu = Pdu.Parse(create, RoomVersions.V12);
        Assert.Equal("!" + pdu.EventId[1..], pdu.RoomId);

        create["room_id"] = "!" + new string('A', 43);
        Assert.False(Pdu.TryParse(create, RoomVersions.V12, out _, out var error));
        Assert.Contains("no room_id", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12", "!r:d", "without a server name")]
    [InlineData("11", "!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "!opaque:server")]
    public void Room_id_form_must_match_the_room_version(string version, string roomId, string reasonPart)
    {
        var json = Valid(V(version));
        json["room_id"] = roomId;
        Assert.False(Pdu.TryParse(json, V(version), out _, out var error));
        Assert.Contains(reasonPart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_shapes_must_match_the_room_version()
    {
        var v4Shape = Valid(RoomVersions.V4);
        Assert.False(Pdu.TryParse(v4Shape, RoomVersions.V1, out _, out var error));
        Assert.Contains("pairs", error, StringComparison.Ordinal);

        var v1Shape = Valid(RoomVersions.V1);
        Assert.False(Pdu.TryParse(v1Shape, RoomVersions.V4, out _, out error));
        Assert.Contains("strings", error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string?, string> InvalidFields => new()
    {
        { "type", null, "type is required" },
        { "type", "long", "type is longer than 255 bytes" },
        { "state_key", "long", "state_key is longer than 255 bytes" },
        { "sender", "\"bob\"", "sender: a user ID must start" },
        { "sender", null, "sender is required" },
        { "room_id", null, "room_id is required" },
        { "content", "[]", "content must be an object" },
        { "hashes", "{}", "hashes must be an object with a sha256 string" },
        { "signatures", "1", "signatures must be an object" },
        { "depth", "-1", "depth must be between" },
        { "depth", "9007199254740992", "canonical JSON" },
        { "depth", "\"5\"", "depth must be an integer" },
        { "origin_server_ts", null, "origin_server_ts must be an integer" },
        { "prev_events", "{}", "prev_events must be an array" },
        { "prev_events", "21", "more than 20" },
        { "auth_events", "11", "more than 10" },
        { "content", "big", "more than 65536" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public void Malformed_events_are_rejected_with_the_reason(string field, string? value, string reasonPart)
    {
        var json = Valid(RoomVersions.V10);
        switch (value)
        {
            case null: json.Remove(field); break;
            case "long": json[field] = new string('x', 256); break;
            case "big": json[field] = new JsonObject { ["body"] = new string('x', 70_000) }; break;
            case "21" or "11":
                var ids = new JsonArray();
                for (var i = 0; i < int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); i++)
                {
                    ids.Add($"$e{i}");
                }

                json[field] = ids;
                break;
            default: json[field] = JsonNode.Parse(value); break;
        }

        Assert.False(Pdu.TryParse(json, RoomVersions.V10, out _, out var error));
        Assert.Contains(reasonPart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_text_with_duplicate_keys_is_rejected_not_thrown()
    {
        var json = Valid(RoomVersions.V10).ToJsonString().Replace("\"depth\":5", "\"depth\":5,\"depth\":6",
            StringComparison.Ordinal);
        Assert.False(Pdu.TryParse(json, RoomVersions.V10, out _, out var error));
        Assert.Contains("duplicate", error, StringComparison.OrdinalIgnoreCase);
        Assert.False(Pdu.TryParse("[1]", RoomVersions.V10, out _, out error));
        Assert.False(Pdu.TryParse("{not json", RoomVersions.V10, out _, out error));
    }

    [Fact]
    public void Old_room_versions_tolerate_integers_outside_the_safe_range()
    {
        var json = Valid(RoomVersions.V5);
        json["content"]!["big"] = JsonNode.Parse("9007199254740993");
        Assert.True(Pdu.TryParse(json, RoomVersions.V5, out _, out var error), error);
        json = Valid(RoomVersions.V6);
        json["content"]!["big"] = JsonNode.Parse("9007199254740993");
        Assert.False(Pdu.TryParse(json, RoomVersions.V6, out _, out _));
    }

    [Fact]
    public void Redacts_is_read_from_the_top_level_before_version_11_and_from_content_after()
    {
        var v10 = Valid(RoomVersions.V10);
        v10["type"] = "m.room.redaction";
        v10["redacts"] = "$top";
        v10["content"] = new JsonObject { ["redacts"] = "$inner" };
        Assert.Equal("$top", Pdu.Parse(v10, RoomVersions.V10).Redacts);
        Assert.Equal("$inner", Pdu.Parse(v10, RoomVersions.V11).Redacts);
    }
}
