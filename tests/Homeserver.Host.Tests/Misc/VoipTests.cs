using System.Net;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Voip;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Misc;

/// <summary><c>GET /voip/turnServer</c>: TURN REST credentials (coturn <c>use-auth-secret</c>) or fixed ones.</summary>
public sealed class VoipTests
{
    // Computed independently: printf '1767229200:@alice:localhost' | openssl dgst -sha1 -hmac 'n0rth-w1nd' -binary | base64
    private const string KnownPassword = "SAWzNhWZ2AgJnbeKosUGDT116Lw=";

    [Fact]
    public void The_password_is_base64_of_hmac_sha1_of_the_username_keyed_by_the_shared_secret()
    {
        Assert.Equal(KnownPassword, TurnCredentials.Password("n0rth-w1nd", "1767229200:@alice:localhost"));
    }

    [Fact]
    public async Task Shared_secret_credentials_name_the_expiry_and_user_and_list_the_configured_uris()
    {
        var clock = new ManualClock(); // 2026-01-01T00:00:00Z = 1767225600
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Voip:TurnUris"] = "turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349?transport=tcp",
            ["Voip:TurnSharedSecret"] = "n0rth-w1nd",
            ["Voip:TurnUserLifetimeSeconds"] = "3600",
        }, services: s => s.AddSingleton<TimeProvider>(clock));
        var alice = await server.RegisterAsync("alice");

        var body = await SpecSchema.AssertValidAsync(await alice.Client.GetAsync("/_matrix/client/v3/voip/turnServer"));

        Assert.Equal("1767229200:@alice:localhost", body.GetProperty("username").GetString());
        Assert.Equal(KnownPassword, body.GetProperty("password").GetString());
        Assert.Equal(3600, body.GetProperty("ttl").GetInt32());
        Assert.Equal(["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349?transport=tcp"],
            body.GetProperty("uris").EnumerateArray().Select(u => u.GetString()!));
    }

    [Fact]
    public async Task Fixed_credentials_are_handed_out_as_configured_with_the_default_lifetime()
    {
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Voip:TurnUris"] = "turn:turn.example.org",
            ["Voip:TurnUsername"] = "shared",
            ["Voip:TurnPassword"] = "hunter2",
        });
        var user = await server.RegisterAsync();

        var body = await SpecSchema.AssertValidAsync(await user.Client.GetAsync("/_matrix/client/v3/voip/turnServer"));

        Assert.Equal("shared", body.GetProperty("username").GetString());
        Assert.Equal("hunter2", body.GetProperty("password").GetString());
        Assert.Equal(86400, body.GetProperty("ttl").GetInt32());
    }

    [Fact]
    public async Task Without_a_turn_server_the_answer_is_an_empty_object_as_synapse_gives()
    {
        await using var server = await LiveServer.StartAsync();
        var user = await server.RegisterAsync();

        var body = await MatrixAssert.OkAsync(await user.Client.GetAsync("/_matrix/client/v3/voip/turnServer"));

        Assert.Empty(body.EnumerateObject());
        await MatrixAssert.ErrorAsync(await server.Anonymous.GetAsync("/_matrix/client/v3/voip/turnServer"),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task A_turn_uri_that_is_not_turn_or_turns_is_a_configuration_error()
    {
        var error = await Assert.ThrowsAsync<Homeserver.Services.Configuration.InvalidSettingException>(() =>
            LiveServer.StartAsync(settings: new Dictionary<string, string?> { ["Voip:TurnUris"] = "stun:x.example.org" }));

        Assert.Contains("Homeserver:Voip:TurnUris", error.Message, StringComparison.Ordinal);
    }
}
