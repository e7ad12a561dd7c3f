using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Social;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Social;

/// <summary>OpenID tokens: issued to the requester for an hour, resolvable to the user until they expire.</summary>
public sealed class OpenIdTests
{
    private static string TokenPath(string userId) =>
        $"/_matrix/client/v3/user/{RoomSteps.Escape(userId)}/openid/request_token";

    [Fact]
    public async Task A_token_resolves_to_its_user_for_an_hour_and_not_after()
    {
        var clock = new ManualClock();
        await using var server = await LiveServer.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var alice = await server.RegisterAsync();

        var response = await alice.Client.PostAsJsonAsync(TokenPath(alice.UserId), new JsonObject());
        await MatrixAssert.OkAsync(response);
        var body = await SpecSchema.AssertValidAsync(response, new JsonObject());

        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal("localhost", body.GetProperty("matrix_server_name").GetString());
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
        var token = body.GetProperty("access_token").GetString()!;
        var openId = server.Instance.App.Services.GetRequiredService<OpenIdTokenService>();
        Assert.Equal(alice.UserId, await openId.ResolveAsync(token, CancellationToken.None));
        Assert.Null(await openId.ResolveAsync(token + "x", CancellationToken.None));

        clock.Advance(TimeSpan.FromSeconds(3599));
        Assert.Equal(alice.UserId, await openId.ResolveAsync(token, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await openId.ResolveAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task The_token_is_not_an_access_token()
    {
        await using var server = await LiveServer.StartAsync();
        var alice = await server.RegisterAsync();
        var token = (await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync(TokenPath(alice.UserId),
            new JsonObject()))).GetProperty("access_token").GetString()!;

        await MatrixAssert.ErrorAsync(await server.NewClient(token).GetAsync("/_matrix/client/v3/account/whoami"),
            HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
    }

    [Fact]
    public async Task A_token_for_another_user_is_M_FORBIDDEN()
    {
        await using var server = await LiveServer.StartAsync();
        var alice = await server.RegisterAsync();
        var bob = await server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await alice.Client.PostAsJsonAsync(TokenPath(bob.UserId), new JsonObject()),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }
}
