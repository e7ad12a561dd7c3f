using Homeserver.Bridges.AppService.Registration;
using Homeserver.Core.Identifiers;
using Homeserver.Services.AppServices;

namespace Homeserver.Bridges.AppService.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public void Generated_registration_is_accepted_by_the_homeserver_with_its_namespaces_and_flags()
    {
        var registration = RegistrationGenerator.Create("discord", "http://127.0.0.1:29330", "_discord_bot", "chat.example.org",
            "_discord_", "_discord_");

        var parsed = AppServiceRegistrationFile.Parse("discord.yaml", RegistrationYaml.Write(registration),
            ServerName.Parse("chat.example.org"), out var problems);

        Assert.Empty(problems);
        Assert.NotNull(parsed);
        Assert.Equal("discord", parsed.Id);
        Assert.Equal(registration.AsToken, parsed.AsToken);
        Assert.Equal(registration.HsToken, parsed.HsToken);
        Assert.False(parsed.RateLimited);
        Assert.True(parsed.ReceiveEphemeral);
        Assert.True(parsed.ClaimsUser("@_discord_123:chat.example.org"));
        Assert.False(parsed.ClaimsUser("@_discord_123:chatXexample.org"));
        Assert.False(parsed.ClaimsUser("@alice:chat.example.org"));
        Assert.True(parsed.ClaimsAlias("#_discord_general:chat.example.org"));
    }

    [Fact]
    public void Registration_without_url_writes_null_and_reads_back()
    {
        var registration = RegistrationGenerator.Create("x", null, "_x_bot", "example.org", "_x_");

        var yaml = RegistrationYaml.Write(registration);
        var read = RegistrationYaml.Read(yaml);

        Assert.Contains("url: null", yaml, StringComparison.Ordinal);
        Assert.Null(read.Url);
        Assert.Equal(registration with { Users = read.Users, Aliases = read.Aliases, Rooms = read.Rooms, Protocols = read.Protocols }, read);
        Assert.Equal(registration.Users, read.Users);
    }

    [Fact]
    public void Every_generated_registration_has_fresh_distinct_tokens()
    {
        var tokens = Enumerable.Range(0, 20)
            .Select(_ => RegistrationGenerator.Create("x", null, "_x_bot", "example.org", "_x_"))
            .SelectMany(r => new[] { r.AsToken, r.HsToken })
            .ToList();

        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9_-]{43}$", t));
    }

    [Fact]
    public void Own_users_are_the_bot_and_the_namespace_on_our_server_only()
    {
        var identity = new AppServiceIdentity(RegistrationGenerator.Create("x", null, "bridgebot", "example.org", "_x_"), "example.org");

        Assert.True(identity.IsOwnUser("@bridgebot:example.org"));
        Assert.True(identity.IsOwnUser("@_x_42:example.org"));
        Assert.False(identity.IsOwnUser("@_x_42:evil.org"));
        Assert.False(identity.IsOwnUser("@alice:example.org"));
        Assert.False(identity.IsOwnUser(null));
    }

    [Fact]
    public void A_namespace_regex_without_a_server_still_claims_only_users_of_our_server()
    {
        var registration = RegistrationGenerator.Create("x", null, "bridgebot", "example.org", "_x_") with
        {
            Users = [new NamespaceEntry("@_x_.*", true)],
        };
        var identity = new AppServiceIdentity(registration, "example.org");

        Assert.True(identity.IsOwnUser("@_x_42:example.org"));
        Assert.False(identity.IsOwnUser("@_x_42:evil.org"));
    }

    [Fact]
    public void Reading_a_registration_names_the_missing_field()
    {
        var error = Assert.Throws<FormatException>(() => RegistrationYaml.Read("id: x\nurl: null\nas_token: a\nsender_localpart: b\n"));

        Assert.Contains("hs_token", error.Message, StringComparison.Ordinal);
    }
}
