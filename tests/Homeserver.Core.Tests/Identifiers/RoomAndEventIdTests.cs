using Homeserver.Core.Identifiers;

namespace Homeserver.Core.Tests.Identifiers;

public sealed class RoomAndEventIdTests
{
    private const string Hash = "KxwGjPSDEtvnFgU00fwFz-l6d2pJM6XBIaMEn81SXPT";

    [Fact]
    public void Room_ids_with_a_domain_parse()
    {
        Assert.True(RoomId.TryParse("!abc:example.org", out var id, out var error), error);
        Assert.Equal("abc", id.OpaqueId);
        Assert.Equal("example.org", id.Domain!.Value.Value);
    }

    [Fact]
    public void Room_version_12_room_ids_are_a_url_safe_hash_without_domain()
    {
        Assert.True(RoomId.TryParse("!" + Hash, out var id, out var error), error);
        Assert.Null(id.Domain);
        Assert.Equal("$" + Hash, id.ToCreateEventId().Value);
        Assert.Equal(id, RoomId.FromCreateEventId(EventId.Parse("$" + Hash)));
    }

    [Theory]
    [InlineData("!short", "hash")]
    [InlineData("abc:example.org", "'!'")]
    [InlineData("!:example.org", "opaque")]
    [InlineData("!abc:bad host", "server name")]
    [InlineData("", "empty")]
    public void Invalid_room_ids_are_rejected(string text, string reasonPart)
    {
        Assert.False(RoomId.TryParse(text, out _, out var error));
        Assert.Contains(reasonPart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Room_ids_longer_than_255_bytes_are_rejected()
    {
        Assert.False(RoomId.TryParse("!" + new string('a', 250) + ":example.org", out _, out var error));
        Assert.Contains("255", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("$abc:example.org", "example.org")]
    [InlineData("$" + Hash, null)]
    public void Event_ids_parse_in_every_room_version_form(string text, string? domain)
    {
        Assert.True(EventId.TryParse(text, out var id, out var error), error);
        Assert.Equal(domain, id.Domain?.Value);
    }

    [Fact]
    public void Event_id_hash_forms_are_told_apart()
    {
        Assert.True(EventId.Parse("$" + Hash).IsUrlSafeHashId);
        var standard = EventId.Parse("$KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPT");
        Assert.True(standard.IsStandardHash);
        Assert.False(standard.IsUrlSafeHashId);
        Assert.False(EventId.Parse("$abc:example.org").IsStandardHash);
    }

    [Theory]
    [InlineData("$", "after '$'")]
    [InlineData("abc", "'$'")]
    [InlineData("$abc:", "server name")]
    public void Invalid_event_ids_are_rejected(string text, string reasonPart)
    {
        Assert.False(EventId.TryParse(text, out _, out var error));
        Assert.Contains(reasonPart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_ids_longer_than_255_bytes_are_rejected() =>
        Assert.False(EventId.TryParse("$" + new string('a', 255), out _, out _));

    [Theory]
    [InlineData("#room:example.org", "room")]
    [InlineData("#日本語 room!:example.org", "日本語 room!")]
    public void Room_aliases_allow_any_localpart_but_colon(string text, string localpart)
    {
        Assert.True(RoomAlias.TryParse(text, out var alias, out var error), error);
        Assert.Equal(localpart, alias.Localpart);
    }

    [Theory]
    [InlineData("#:example.org", "localpart")]
    [InlineData("#room", "':'")]
    [InlineData("room:example.org", "'#'")]
    public void Invalid_room_aliases_are_rejected(string text, string reasonPart)
    {
        Assert.False(RoomAlias.TryParse(text, out _, out var error));
        Assert.Contains(reasonPart, error, StringComparison.Ordinal);
    }
}
