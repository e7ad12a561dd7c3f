using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Json;
using Homeserver.Storage.Rooms;

namespace Homeserver.Storage.Tests.Rooms;

public sealed class ServableEventJsonTests
{
    private const string Message = """
        {"type":"m.room.message","room_id":"!r:hs","sender":"@a:hs","origin_server_ts":1,"depth":3,
         "prev_events":[],"auth_events":[],"hashes":{"sha256":"h"},"signatures":{},"content":{"body":"hi","x":DEEP}}
        """;

    [Fact]
    public void An_event_whose_content_is_within_the_body_limit_is_served_as_stored()
    {
        var json = Message.Replace("DEEP", Nested(JsonText.MaxDepth - 1), StringComparison.Ordinal);

        var served = ServableEventJson.Of(json, RoomVersions.V11, out var pruned);

        Assert.False(pruned);
        Assert.Same(json, served);
    }

    [Fact]
    public void An_event_nested_past_the_limit_is_served_pruned_as_if_redacted()
    {
        var json = Message.Replace("DEEP", Nested(60), StringComparison.Ordinal);

        var served = JsonNode.Parse(ServableEventJson.Of(json, RoomVersions.V11, out var pruned))!.AsObject();

        Assert.True(pruned);
        Assert.Empty(served["content"]!.AsObject());
        Assert.Equal("m.room.message", served["type"]!.GetValue<string>());
        Assert.Equal("h", served["hashes"]!["sha256"]!.GetValue<string>());
    }

    [Fact]
    public void Many_brackets_that_do_not_nest_are_served_as_stored()
    {
        var flat = "[" + string.Join(",", Enumerable.Repeat("[]", 200)) + "]";
        var json = Message.Replace("DEEP", flat, StringComparison.Ordinal);

        Assert.Same(json, ServableEventJson.Of(json, RoomVersions.V11, out var pruned));
        Assert.False(pruned);
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);
}
