using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Services.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

public sealed class RegistrationTokenTests
{
    private const string Register = "/_matrix/client/v3/register";

    private static Task<LiveServer> StartAsync() => LiveServer.StartAsync(serverName: "test.local", settings: new Dictionary<string, string?>
    {
        ["Homeserver:Registration:RequireToken"] = "true",
    });

    private static async Task CreateTokenAsync(LiveServer server, string token, int? uses, long? expiryTs = null) =>
        await server.Instance.App.Services.GetRequiredService<IRegistrationTokenStore>()
            .CreateAsync(new RegistrationToken(token, uses, 0, expiryTs), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                CancellationToken.None);

    [Fact]
    public async Task The_token_flow_is_offered_and_a_wrong_token_keeps_the_session_for_another_try()
    {
        await using var server = await StartAsync();
        await CreateTokenAsync(server, "good-token", null);
        var (_, challenge) = await server.PostAsync(Register, new JsonObject { ["username"] = "alice", ["password"] = "pw" });
        var session = challenge.GetProperty("session").GetString();
        Assert.Equal("m.login.registration_token", challenge.GetProperty("flows")[0].GetProperty("stages")[0].GetString());

        var (wrongStatus, wrong) = await server.PostAsync(Register, Body("alice", "nope", session));
        var (status, registered) = await server.PostAsync(Register, Body("alice", "good-token", session));

        Assert.Equal(HttpStatusCode.Unauthorized, wrongStatus);
        Assert.Equal("M_FORBIDDEN", wrong.GetProperty("errcode").GetString());
        Assert.Equal(session, wrong.GetProperty("session").GetString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("@alice:test.local", registered.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task The_dummy_stage_is_not_accepted_when_a_token_is_required()
    {
        await using var server = await StartAsync();
        var session = (await server.PostAsync(Register, new JsonObject())).Body.GetProperty("session").GetString();

        var (status, body) = await server.PostAsync(Register, new JsonObject
        {
            ["username"] = "mallory",
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = session },
        });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task A_used_up_token_registers_no_more_accounts()
    {
        await using var server = await StartAsync();
        await CreateTokenAsync(server, "once", 1);

        var first = await RegisterWithTokenAsync(server, "first", "once");
        var second = await RegisterWithTokenAsync(server, "second", "once");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, second.Status);
        Assert.Equal("M_FORBIDDEN", second.Body.GetProperty("errcode").GetString());
        Assert.False((await server.GetAsync("/_matrix/client/v1/register/m.login.registration_token/validity?token=once"))
            .Body.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task A_token_whose_last_use_is_pending_in_another_registration_is_not_accepted()
    {
        await using var server = await StartAsync();
        await CreateTokenAsync(server, "last", 1);
        // Another registration passed the token stage with it and has not finished (Synapse's "pending").
        await Admin.AdminAuditTrail.ExecuteAsync(server, """
            INSERT INTO uia_sessions (session_id, method, path, completed, registration_token, created_ts)
            VALUES ('other', 'POST', '/_matrix/client/v3/register', '{m.login.registration_token}', 'last', $1)
            """, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        var validity = await server.GetAsync("/_matrix/client/v1/register/m.login.registration_token/validity?token=last");
        var attempt = await RegisterWithTokenAsync(server, "second", "last");

        Assert.False(validity.Body.GetProperty("valid").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, attempt.Status);
    }

    [Fact]
    public async Task An_expired_token_is_invalid()
    {
        await using var server = await StartAsync();
        await CreateTokenAsync(server, "old", null, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds());

        var validity = await server.GetAsync("/_matrix/client/v1/register/m.login.registration_token/validity?token=old");
        var attempt = await RegisterWithTokenAsync(server, "late", "old");

        Assert.False(validity.Body.GetProperty("valid").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, attempt.Status);
    }

    [Fact]
    public async Task Validity_answers_for_known_and_unknown_tokens()
    {
        await using var server = await StartAsync();
        await CreateTokenAsync(server, "known", 5);

        var known = await server.GetAsync("/_matrix/client/v1/register/m.login.registration_token/validity?token=known");
        var unknown = await server.GetAsync("/_matrix/client/v1/register/m.login.registration_token/validity?token=nope");

        Assert.True(known.Body.GetProperty("valid").GetBoolean());
        Assert.False(unknown.Body.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Validity_is_403_when_tokens_are_not_in_use()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");

        var (status, body) = await server.GetAsync("/_matrix/client/v1/register/m.login.registration_token/validity?token=x");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());
    }

    private static JsonObject Body(string username, string token, string? session) => new()
    {
        ["username"] = username,
        ["password"] = "pw",
        ["auth"] = new JsonObject { ["type"] = "m.login.registration_token", ["token"] = token, ["session"] = session },
    };

    private static async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> RegisterWithTokenAsync(
        LiveServer server, string username, string token)
    {
        var session = (await server.PostAsync(Register, new JsonObject())).Body.GetProperty("session").GetString();
        return await server.PostAsync(Register, Body(username, token, session));
    }
}
