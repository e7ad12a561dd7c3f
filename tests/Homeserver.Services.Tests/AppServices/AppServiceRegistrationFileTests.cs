using Homeserver.Core.Identifiers;
using Homeserver.Services.AppServices;
using Homeserver.Services.Configuration;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Tests.AppServices;

/// <summary>Registration files as bridges write them, and the settings that list them.</summary>
public sealed class AppServiceRegistrationFileTests
{
    private static readonly ServerName Server = ServerName.Parse("hs.test");

    private const string Discord = """
        id: discord
        url: http://127.0.0.1:9005
        as_token: as-secret
        hs_token: hs-secret
        sender_localpart: _discord_bot
        rate_limited: false
        protocols: [discord]
        de.sorunome.msc2409.push_ephemeral: true
        org.matrix.msc3202: true
        io.element.msc4190: yes
        namespaces:
          users:
            - exclusive: true
              regex: '@_discord_.*:hs\.test'
          aliases:
            - exclusive: false
              regex: '#_discord_.*'
        """;

    [Fact]
    public void A_bridge_registration_is_read_with_every_field()
    {
        var registration = AppServiceRegistrationFile.Parse("discord.yaml", Discord, Server, out var problems);

        Assert.Empty(problems);
        Assert.NotNull(registration);
        Assert.Equal("discord", registration.Id);
        Assert.Equal(new Uri("http://127.0.0.1:9005"), registration.Url);
        Assert.Equal("@_discord_bot:hs.test", registration.Sender.Value);
        Assert.False(registration.RateLimited);
        Assert.Equal(["discord"], registration.Protocols);
        Assert.True(registration.ReceiveEphemeral);
        Assert.True(registration.DeviceMasquerading);
        Assert.True(registration.DeviceManagement);
        Assert.True(registration.ClaimsUser("@_discord_42:hs.test"));
        Assert.False(registration.ClaimsAlias("#_discord_chan:hs.test"));
        Assert.True(registration.IsInterestedInAlias("#_discord_chan:hs.test"));
        Assert.Empty(registration.Namespaces.Rooms);
    }

    [Fact]
    public void A_null_url_means_no_traffic_and_rate_limiting_defaults_on()
    {
        var yaml = "id: x\nurl: null\nas_token: a\nhs_token: h\nsender_localpart: x\nnamespaces: {}\n";

        var registration = AppServiceRegistrationFile.Parse("x.yaml", yaml, Server, out var problems);

        Assert.Empty(problems);
        Assert.Null(registration!.Url);
        Assert.True(registration.RateLimited);
        Assert.False(registration.ReceiveEphemeral);
    }

    [Theory]
    [InlineData("url: http://127.0.0.1:1\nas_token: a\nhs_token: h\nsender_localpart: x\nnamespaces: {}", "field id: is required")]
    [InlineData("id: x\nas_token: a\nhs_token: h\nsender_localpart: x\nnamespaces: {}", "field url: is required")]
    [InlineData("id: x\nurl: ftp://a\nas_token: a\nhs_token: h\nsender_localpart: x\nnamespaces: {}", "field url: must be an http(s) URL or null")]
    [InlineData("id: x\nurl: null\nas_token: [a]\nhs_token: h\nsender_localpart: x\nnamespaces: {}", "field as_token: must be a non-empty string")]
    [InlineData("id: x\nurl: null\nas_token: a\nhs_token: a\nsender_localpart: x\nnamespaces: {}", "field hs_token: must differ from as_token")]
    [InlineData("id: x\nurl: null\nas_token: a\nhs_token: h\nsender_localpart: 'a:b'\nnamespaces: {}", "field sender_localpart:")]
    [InlineData("id: x\nurl: null\nas_token: a\nhs_token: h\nsender_localpart: x", "field namespaces: is required")]
    [InlineData("id: x\nurl: null\nas_token: a\nhs_token: h\nsender_localpart: x\nnamespaces:\n  users:\n    - regex: '@a.*'", "field namespaces.users[0].exclusive: is required")]
    [InlineData("id: x\nurl: null\nas_token: a\nhs_token: h\nsender_localpart: x\nnamespaces:\n  users:\n    - {regex: '@(a', exclusive: true}", "field namespaces.users[0].regex: '@(a' is not a valid regular expression")]
    [InlineData("id: x\nurl: null\nas_token: a\nhs_token: h\nsender_localpart: x\nnamespaces:\n  rooms: '!a'", "field namespaces.rooms: must be a list")]
    [InlineData("id: x\nurl: null\nas_token: a\nhs_token: h\nsender_localpart: x\nnamespaces: {}\nrate_limited: maybe", "field rate_limited: must be true or false")]
    [InlineData("id: x\n  url: [", "x.yaml: is not valid YAML")]
    [InlineData("- a\n- b", "x.yaml: is not a YAML mapping")]
    public void An_invalid_file_is_refused_naming_the_field(string yaml, string expected)
    {
        var registration = AppServiceRegistrationFile.Parse("x.yaml", yaml, Server, out var problems);

        Assert.Null(registration);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_settings_load_every_listed_file_and_name_the_file_of_a_problem()
    {
        using var files = new TempDirectory();
        var good = Path.Combine(files.Path, "discord.yaml");
        var bad = Path.Combine(files.Path, "steam.yaml");
        File.WriteAllText(good, Discord);
        File.WriteAllText(bad, Discord.Replace("id: discord", "id: steam", StringComparison.Ordinal));

        var (settings, errors) = Read(("AppServices:ConfigFiles:0", good), ("AppServices:ConfigFiles:1", bad));

        Assert.Null(settings);
        Assert.Contains(errors, e => e.Contains(bad + ": as_token is already used by " + good, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Homeserver__AppServices__ConfigFiles", StringComparison.Ordinal));

        var (loaded, none) = Read(("AppServices:ConfigFiles:0", good));
        Assert.Empty(none);
        Assert.Equal("discord", Assert.Single(loaded!.AppServices.Registry.All).Id);
    }

    [Fact]
    public void A_missing_file_stops_the_server_with_its_name()
    {
        var (settings, errors) = Read(("AppServices:ConfigFiles:0", "/nonexistent/as.yaml"));

        Assert.Null(settings);
        Assert.Contains(errors, e => e.Contains("cannot read /nonexistent/as.yaml", StringComparison.Ordinal));
    }

    private static (HomeserverSettings? Settings, IReadOnlyList<string> Errors) Read(params (string Key, string Value)[] values) =>
        SettingsReader.TryRead(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Homeserver:" + v.Key, v.Value))
                .Append(new KeyValuePair<string, string?>("Homeserver:ServerName", "hs.test")))
            .Build(), "/srv/homeserver");
}
