using Homeserver.Bridges.Steam.Client;
using Homeserver.Bridges.Steam.Sync;

namespace Homeserver.Bridges.Steam.Tests;

/// <summary>The pure parts: presence mapping, the poll back-off, SteamID parsing, the registration.</summary>
public sealed class MappingTests
{
    private static SteamPlayer Player(int state, string? game = null) =>
        new("76561198000000001", "alice", null, null, null, null, state, game is null ? null : "440", game, 3);

    [Theory]
    [InlineData(0, "offline")]
    [InlineData(1, "online")]
    [InlineData(2, "unavailable")]
    [InlineData(3, "unavailable")]
    [InlineData(4, "unavailable")]
    [InlineData(5, "online")]
    [InlineData(6, "online")]
    public void Persona_states_map_to_Matrix_presence(int state, string presence)
    {
        Assert.Equal(new MatrixPresence(presence, null), PresenceMapper.Map(Player(state)));
    }

    [Fact]
    public void A_game_is_the_status_message_Playing_X()
    {
        Assert.Equal(new MatrixPresence("online", "Playing Dota 2"), PresenceMapper.Map(Player(1, "Dota 2")));
        Assert.Equal(new MatrixPresence("unavailable", "Playing Dota 2"), PresenceMapper.Map(Player(3, "Dota 2")));
    }

    [Fact]
    public void Poll_interval_doubles_while_nothing_changes_up_to_4x_and_a_change_resets_it()
    {
        var interval = new PollInterval(TimeSpan.FromSeconds(60));

        Assert.Equal([120, 240, 240, 240], new[] { false, false, false, false }.Select(c => interval.After(c).TotalSeconds));
        Assert.Equal(60, interval.After(changed: true).TotalSeconds);
        Assert.Equal(120, interval.After(changed: false).TotalSeconds);
    }

    [Theory]
    [InlineData("76561198000000001", "76561198000000001")]
    [InlineData(" https://steamcommunity.com/profiles/76561198000000001/ ", "76561198000000001")]
    [InlineData("steamcommunity.com/profiles/76561198000000001", "76561198000000001")]
    public void SteamIds_are_read_from_ids_and_profile_urls(string text, string expected)
    {
        Assert.True(SteamId.TryParse(text, out var id));
        Assert.Equal(expected, id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234")]
    [InlineData("12345678901234567")]
    [InlineData("https://steamcommunity.com/id/gabelogannewell")]
    [InlineData("https://evil.example/profiles/76561198000000001")]
    [InlineData("７６５６１１９８０００００００００１")]
    public void Anything_else_is_not_a_SteamId(string text)
    {
        Assert.False(SteamId.TryParse(text, out _));
    }

    [Fact]
    public void The_registration_has_the_exclusive_ghost_namespace_and_the_non_exclusive_local_one()
    {
        var registration = SteamRegistration.Create("http://127.0.0.1:29334", "example.org");

        Assert.Equal("_steam_bot", registration.SenderLocalpart);
        Assert.Equal([("@_steam_.*:example\\.org", true), ("@.*:example\\.org", false)],
            registration.Users.Select(u => (u.Regex, u.Exclusive)));
        Assert.False(registration.ReceiveEphemeral);
        Assert.True(registration.IsInUserNamespace("@_steam_76561198000000001:example.org"));
        Assert.True(registration.IsInUserNamespace("@alice:example.org"));
        Assert.False(registration.IsInUserNamespace("@alice:other.org"));
        Assert.NotEqual(registration.AsToken, SteamRegistration.Create(null, "example.org").AsToken);
    }
}
