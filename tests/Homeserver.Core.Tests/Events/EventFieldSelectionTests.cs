using System.Text.Json.Nodes;
using Homeserver.Core.Events;

namespace Homeserver.Core.Tests.Events;

public sealed class EventFieldSelectionTests
{
    private static JsonObject Event() => JsonNode.Parse("""
        {"type":"m.room.message","sender":"@a:x","event_id":"$e",
         "content":{"body":"hi","msgtype":"m.text","m.relates_to":{"rel_type":"m.thread","event_id":"$r"}},
         "unsigned":{"age":5}}
        """)!.AsObject();

    [Fact]
    public void Keeps_top_level_and_nested_fields_and_skips_missing_ones()
    {
        var selected = new EventFieldSelection(["type", "content.body", "state_key", "content.nothing.here"]).Apply(Event());

        Assert.Equal("""{"type":"m.room.message","content":{"body":"hi"}}""", selected.ToJsonString());
    }

    [Fact]
    public void Escaped_dots_name_fields_with_dots_in_their_names()
    {
        var selected = new EventFieldSelection(["content.m\\.relates_to.rel_type"]).Apply(Event());

        Assert.Equal("""{"content":{"m.relates_to":{"rel_type":"m.thread"}}}""", selected.ToJsonString());
    }

    [Fact]
    public void A_whole_object_wins_over_a_field_inside_it()
    {
        var selected = new EventFieldSelection(["content", "content.body"]).Apply(Event());

        Assert.Equal(Event()["content"]!.ToJsonString(), selected["content"]!.ToJsonString());
    }

    [Fact]
    public void A_field_inside_a_non_object_is_skipped()
    {
        var selected = new EventFieldSelection(["type.x", "sender"]).Apply(Event());

        Assert.Equal("""{"sender":"@a:x"}""", selected.ToJsonString());
    }
}
