using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary><c>/_synapse/admin/v1/register</c>: a nonce and an HMAC-SHA1 computed the way Synapse's tools do.</summary>
public sealed class SharedSecretRegistrationTests : IAsyncLifetime
{
    private const string Secret = "a shared secret for the tests";
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync(
        settings: new Dictionary<string, string?> { ["Registration:SharedSecret"] = Secret, ["Registration:Enabled"] = "false" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>The MAC as Synapse's register_new_matrix_user computes it, by Python's hmac, not by our code.</summary>
    private static async Task<string> PythonMacAsync(string secret, string nonce, string user, string password,
        bool admin, string? userType = null)
    {
        const string Script = """
            import hmac, hashlib, sys
            secret, nonce, user, password, admin = sys.argv[1:6]
            mac = hmac.new(key=secret.encode("utf8"), digestmod=hashlib.sha1)
            for part in (nonce, user, password):
                mac.update(part.encode("utf8")); mac.update(b"\x00")
            mac.update(b"admin" if admin == "1" else b"notadmin")
            if len(sys.argv) > 6:
                mac.update(b"\x00"); mac.update(sys.argv[6].encode("utf8"))
            print(mac.hexdigest())
            """;
        List<string> arguments = ["-c", Script, secret, nonce, user, password, admin ? "1" : "0"];
        if (userType is not null)
        {
            arguments.Add(userType);
        }

        var outcome = await ToolProcess.RunAsync("python3", arguments);
        Assert.True(outcome.ExitCode == 0, outcome.Errors);
        return outcome.Output.Trim();
    }

    private async Task<string> NonceAsync() =>
        (await MatrixAssert.OkAsync(await _server.Anonymous.GetAsync("/_synapse/admin/v1/register")))
        .GetProperty("nonce").GetString()!;

    private Task<HttpResponseMessage> PostAsync(JsonObject body) =>
        _server.Anonymous.PostAsJsonAsync("/_synapse/admin/v1/register", body);

    [Fact]
    public async Task A_registration_with_an_independently_computed_mac_makes_an_admin_who_can_use_the_admin_api()
    {
        var nonce = await NonceAsync();
        var username = LiveServer.UniqueUsername("shared");
        var mac = await PythonMacAsync(Secret, nonce, username, "pass word", admin: true);

        var body = await MatrixAssert.OkAsync(await PostAsync(new JsonObject
        {
            ["nonce"] = nonce, ["username"] = username, ["password"] = "pass word", ["admin"] = true, ["mac"] = mac,
            ["displayname"] = "Shared",
        }));

        var userId = body.GetProperty("user_id").GetString()!;
        Assert.Equal($"@{username}:localhost", userId);
        Assert.Equal("localhost", body.GetProperty("home_server").GetString());
        await AdminAudit.AssertLastAsync(_server, userId, "shared_secret", "POST", "/_synapse/admin/v1/register", 200);
        using var client = _server.NewClient(body.GetProperty("access_token").GetString());
        var user = await MatrixAssert.OkAsync(await client.GetAsync($"/_synapse/admin/v2/users/{RoomSteps.Escape(userId)}"));
        Assert.True(user.GetProperty("admin").GetBoolean());
        Assert.Equal("Shared", user.GetProperty("displayname").GetString());
        await _server.LoginBodyAsync(username, "pass word");
    }

    /// <summary>An admin's access token, made through shared-secret registration (open registration is off here).</summary>
    private async Task<string> RegisterAdminBySecretAsync()
    {
        var nonce = await NonceAsync();
        var username = LiveServer.UniqueUsername("admin");
        var body = await MatrixAssert.OkAsync(await PostAsync(new JsonObject
        {
            ["nonce"] = nonce, ["username"] = username, ["password"] = "pw", ["admin"] = true,
            ["mac"] = await PythonMacAsync(Secret, nonce, username, "pw", admin: true),
        }));
        return body.GetProperty("access_token").GetString()!;
    }

    [Fact]
    public async Task A_user_type_is_part_of_the_mac_and_is_kept()
    {
        var nonce = await NonceAsync();
        var username = LiveServer.UniqueUsername("bot");
        var mac = await PythonMacAsync(Secret, nonce, username, "pw", admin: false, userType: "bot");

        var body = await MatrixAssert.OkAsync(await PostAsync(new JsonObject
        {
            ["nonce"] = nonce, ["username"] = username, ["password"] = "pw", ["user_type"] = "bot", ["mac"] = mac,
        }));

        using var admin = _server.NewClient(await RegisterAdminBySecretAsync());
        var user = await MatrixAssert.OkAsync(await admin.GetAsync(
            $"/_synapse/admin/v2/users/{RoomSteps.Escape(body.GetProperty("user_id").GetString()!)}"));
        Assert.Equal("bot", user.GetProperty("user_type").GetString());
        Assert.False(user.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task A_wrong_mac_is_refused_and_uses_up_the_nonce()
    {
        var nonce = await NonceAsync();
        var username = LiveServer.UniqueUsername("wrong");
        var macForNotAdmin = await PythonMacAsync(Secret, nonce, username, "pw", admin: false);
        var request = new JsonObject
        {
            ["nonce"] = nonce, ["username"] = username, ["password"] = "pw", ["admin"] = true, ["mac"] = macForNotAdmin,
        };

        var refused = await MatrixAssert.ErrorAsync(await PostAsync(request), HttpStatusCode.Forbidden, "M_UNKNOWN");
        Assert.Equal("HMAC incorrect", refused.GetProperty("error").GetString());
        await AdminAudit.AssertLastAsync(_server, username, "shared_secret", "POST", "/_synapse/admin/v1/register", 403,
            "M_UNKNOWN");

        request["admin"] = false;
        var reused = await MatrixAssert.ErrorAsync(await PostAsync(request), HttpStatusCode.BadRequest, "M_UNKNOWN");
        Assert.Equal("unrecognised nonce", reused.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_nonce_works_once()
    {
        var nonce = await NonceAsync();
        var username = LiveServer.UniqueUsername("once");
        var request = new JsonObject
        {
            ["nonce"] = nonce, ["username"] = username, ["password"] = "pw",
            ["mac"] = await PythonMacAsync(Secret, nonce, username, "pw", admin: false),
        };
        await MatrixAssert.OkAsync(await PostAsync(request));

        request["username"] = username + "x";
        request["mac"] = await PythonMacAsync(Secret, nonce, username + "x", "pw", admin: false);
        await MatrixAssert.ErrorAsync(await PostAsync(request), HttpStatusCode.BadRequest, "M_UNKNOWN");
    }

    [Fact]
    public async Task Missing_fields_are_bad_json_as_in_Synapse()
    {
        await MatrixAssert.ErrorAsync(await PostAsync(new JsonObject { ["username"] = "x" }), HttpStatusCode.BadRequest,
            "M_BAD_JSON");
        var nonce = await NonceAsync();
        await MatrixAssert.ErrorAsync(await PostAsync(new JsonObject { ["nonce"] = nonce, ["username"] = "x", ["password"] = "y" }),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task Without_a_secret_shared_secret_registration_is_off()
    {
        await using var server = await LiveServer.StartAsync();
        var nonce = (await MatrixAssert.OkAsync(await server.Anonymous.GetAsync("/_synapse/admin/v1/register")))
            .GetProperty("nonce").GetString()!;

        var refused = await MatrixAssert.ErrorAsync(await server.Anonymous.PostAsJsonAsync("/_synapse/admin/v1/register",
            new JsonObject
            {
                ["nonce"] = nonce, ["username"] = "someone", ["password"] = "pw",
                ["mac"] = await PythonMacAsync("", nonce, "someone", "pw", admin: false),
            }), HttpStatusCode.BadRequest, "M_UNKNOWN");
        Assert.Equal("Shared secret registration is not enabled", refused.GetProperty("error").GetString());
    }
}
