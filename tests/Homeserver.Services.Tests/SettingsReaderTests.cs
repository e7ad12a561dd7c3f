using Homeserver.Services.Configuration;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Tests;

public sealed class SettingsReaderTests
{
    private const string WorkingDirectory = "/srv/homeserver";

    [Fact]
    public void Defaults_match_the_documented_table()
    {
        var settings = Read();

        Assert.Equal("localhost", settings.ServerName.Value);
        Assert.Equal("/srv/homeserver/data", settings.DataDirectory);
        Assert.True(settings.Database.UsesLocalCluster);
        Assert.Equal("/srv/homeserver/data/postgres", settings.Database.LocalClusterDirectory);
        Assert.False(settings.Redis.Enabled);
        Assert.Equal(new Uri("http://127.0.0.1:8008"), settings.Listen.Client);
        Assert.Equal(new Uri("https://127.0.0.1:8448"), settings.Listen.Federation);
        Assert.False(settings.Registration.Enabled);
        Assert.False(settings.Registration.RequireToken);
        Assert.Equal("/srv/homeserver/data/signing.key", settings.SigningKeyPath);
        Assert.Equal("/srv/homeserver/data/tls/federation.pfx", settings.Tls.GeneratedCertificatePath);
        Assert.Equal(LogFormat.Text, settings.LogFormat);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, settings.LogLevel);
        Assert.False(settings.Profiles.LimitToUsersWhoShareRooms);
    }

    [Fact]
    public void The_profile_lookup_limit_is_read()
    {
        Assert.True(Read(("Homeserver:Profiles:LimitToUsersWhoShareRooms", "true")).Profiles.LimitToUsersWhoShareRooms);
    }

    [Fact]
    public void Values_are_read_case_insensitively()
    {
        var settings = Read(("homeserver:servername", "example.org:8448"), ("HOMESERVER:REGISTRATION:ENABLED", "True"),
            ("Homeserver:Redis:Configuration", "redis:6379,password=x"), ("Homeserver:Listen:Federation", ""));

        Assert.Equal("example.org", settings.ServerName.Host);
        Assert.Equal(8448, settings.ServerName.Port);
        Assert.True(settings.Registration.Enabled);
        Assert.Equal("redis:6379,password=x", settings.Redis.Configuration);
        Assert.Null(settings.Listen.Federation);
        Assert.Null(settings.WellKnown.Server);
    }

    [Fact]
    public void An_unknown_key_is_named_in_both_forms()
    {
        var errors = Errors(("Homeserver:Listen:Clinet", "http://127.0.0.1:1"));

        var error = Assert.Single(errors);
        Assert.StartsWith("Homeserver:Listen:Clinet (env Homeserver__Listen__Clinet): unknown setting", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_nested_under_a_leaf_is_unknown()
    {
        Assert.Single(Errors(("Homeserver:ServerName:Extra", "x")));
    }

    [Theory]
    [InlineData("Homeserver:Registration:Enabled", "yes", "is not true or false")]
    [InlineData("Homeserver:Registration:RequireToken", "1", "is not true or false")]
    [InlineData("Homeserver:ServerName", "bad name!", "not a valid hostname")]
    [InlineData("Homeserver:ServerName", "example.org:99999", "not a valid port")]
    [InlineData("Homeserver:ServerName", "", "cannot be empty")]
    [InlineData("Homeserver:Listen:Client", "ftp://127.0.0.1:21", "is not an http:// or https:// URL")]
    [InlineData("Homeserver:Listen:Client", "http://127.0.0.1:8008/matrix", "no path")]
    [InlineData("Homeserver:Listen:Client", "", "cannot be empty")]
    [InlineData("Homeserver:Listen:Federation", "not a url", "is not an http:// or https:// URL")]
    [InlineData("Homeserver:Database:ConnectionString", "Host=x;=broken", "not a valid connection string")]
    [InlineData("Homeserver:Redis:Configuration", "localhost:6379,,", "empty entry")]
    [InlineData("Homeserver:Limits:MaxRequestBodyBytes", "lots", "whole number")]
    [InlineData("Homeserver:Limits:MaxRequestBodyBytes", "10", "at least 1024")]
    [InlineData("Homeserver:Logging:Format", "xml", "text, json")]
    [InlineData("Homeserver:Logging:Level", "loud", "trace, debug, information")]
    [InlineData("Homeserver:WellKnown:ClientBaseUrl", "matrix.example.org", "is not an http:// or https:// URL")]
    [InlineData("Homeserver:WellKnown:Server", "bad host:1", "not a valid hostname")]
    [InlineData("Homeserver:Tls:CertificatePath", "/no/such/cert.pem", "does not exist")]
    [InlineData("Homeserver:DataDirectory", "", "cannot be empty")]
    [InlineData("Homeserver:RateLimits:FailedPassword:PerSecond", "0", "positive number")]
    [InlineData("Homeserver:RateLimits:PasswordHashing:Concurrency", "-1", "whole number from 0")]
    [InlineData("Homeserver:Profiles:LimitToUsersWhoShareRooms", "sometimes", "is not true or false")]
    public void An_invalid_value_is_reported_naming_its_key(string key, string value, string problem)
    {
        var errors = Errors((key, value));

        Assert.Contains(errors, e => e.StartsWith(key + " (env " + key.Replace(":", "__", StringComparison.Ordinal) + "):", StringComparison.Ordinal)
                                     && e.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Password_limits_default_to_synapses_rc_login_and_half_the_cores_hash()
    {
        var defaults = Read().RateLimits;
        var set = Read(("Homeserver:RateLimits:FailedPassword:PerSecond", "0.5"),
            ("Homeserver:RateLimits:FailedPassword:Burst", "7"), ("Homeserver:RateLimits:PasswordHashing:Concurrency", "3"),
            ("Homeserver:RateLimits:PasswordHashing:MaxQueued", "9")).RateLimits;

        Assert.Equal(new RateLimit(0.17, 3), defaults.FailedPassword);
        Assert.Equal(new RateLimit(0.003, 5), defaults.LoginAccount);
        Assert.Equal(new PasswordHashingSettings(Math.Max(1, Environment.ProcessorCount / 2), 32), defaults.PasswordHashing);
        Assert.Equal(new RateLimit(0.5, 7), set.FailedPassword);
        Assert.Equal(new PasswordHashingSettings(3, 9), set.PasswordHashing);
    }

    [Fact]
    public void The_message_limit_defaults_to_synapses_rc_message_and_can_be_set()
    {
        var set = Read(("Homeserver:RateLimits:Message:PerSecond", "2"), ("Homeserver:RateLimits:Message:Burst", "30"));

        Assert.Equal(new RateLimit(0.2, 10), Read().RateLimits.Message);
        Assert.Equal(new RateLimit(2, 30), set.RateLimits.Message);
        Assert.Contains(Errors(("Homeserver:RateLimits:Message:Burst", "0")),
            e => e.StartsWith("Homeserver:RateLimits:Message:Burst", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var errors = Errors(("Homeserver:ServerName", "bad name!"), ("Homeserver:Registration:Enabled", "maybe"),
            ("Homeserver:Nope", "x"));

        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void A_certificate_without_its_key_is_refused()
    {
        var certificate = Path.GetTempFileName();
        try
        {
            var errors = Errors(("Homeserver:Tls:CertificatePath", certificate));

            Assert.Contains(errors, e => e.Contains("must be set together", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(certificate);
        }
    }

    [Fact]
    public void Relative_paths_resolve_against_the_working_directory()
    {
        var settings = Read(("Homeserver:DataDirectory", "state"), ("Homeserver:SigningKeyPath", "keys/k"));

        Assert.Equal("/srv/homeserver/state", settings.DataDirectory);
        Assert.Equal("/srv/homeserver/keys/k", settings.SigningKeyPath);
    }

    [Fact]
    public void Well_known_defaults_follow_the_listeners()
    {
        var settings = Read(("Homeserver:ServerName", "example.org"), ("Homeserver:Listen:Client", "http://0.0.0.0:8080"),
            ("Homeserver:Listen:Federation", "https://[::]:8449"));

        Assert.Equal(new Uri("http://localhost:8080"), settings.WellKnown.ClientBaseUrl);
        Assert.Equal("example.org:8449", settings.WellKnown.Server);
    }

    [Fact]
    public void Read_throws_with_every_error_in_the_message()
    {
        var configuration = Build(("Homeserver:ServerName", "bad name!"), ("Homeserver:Limits:MaxRequestBodyBytes", "x"));

        var error = Assert.Throws<InvalidSettingException>(() => SettingsReader.Read(configuration, WorkingDirectory));

        Assert.Contains("Homeserver:ServerName", error.Message, StringComparison.Ordinal);
        Assert.Contains("Homeserver:Limits:MaxRequestBodyBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_outside_the_homeserver_section_are_not_ours_to_judge()
    {
        var settings = Read(("Logging:LogLevel:Default", "Debug"), ("PATH", "/usr/bin"));

        Assert.Equal("localhost", settings.ServerName.Value);
    }

    private static HomeserverSettings Read(params (string Key, string Value)[] values) =>
        SettingsReader.Read(Build(values), WorkingDirectory);

    private static IReadOnlyList<string> Errors(params (string Key, string Value)[] values)
    {
        var (settings, errors) = SettingsReader.TryRead(Build(values), WorkingDirectory);
        Assert.Null(settings);
        return errors;
    }

    private static IConfiguration Build(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}
