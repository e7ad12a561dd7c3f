using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>/_synapse/admin/v1/registration_tokens: Synapse's CRUD of registration tokens.</summary>
public sealed class AdminRegistrationTokenTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    private const string Tokens = "/_synapse/admin/v1/registration_tokens";

    private static string FarFuture => DateTimeOffset.UtcNow.AddYears(10).ToUnixTimeMilliseconds().ToString(
        System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<JsonElement> CreateAsync(TestSession admin, JsonObject body) =>
        await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(Tokens + "/new", body));

    [Fact]
    public async Task A_token_is_created_read_changed_and_deleted_with_Synapse_fields_and_each_call_audited()
    {
        var admin = await Server.RegisterAdminAsync();
        var token = "tok-" + Guid.NewGuid().ToString("N")[..8];

        var created = await CreateAsync(admin, new JsonObject { ["token"] = token, ["uses_allowed"] = 3 });
        Assert.Equal(token, created.GetProperty("token").GetString());
        Assert.Equal(3, created.GetProperty("uses_allowed").GetInt32());
        Assert.Equal(0, created.GetProperty("pending").GetInt32());
        Assert.Equal(0, created.GetProperty("completed").GetInt32());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("expiry_time").ValueKind);
        await AdminAuditTrail.AssertLastCallAsync(Server, admin.UserId, "POST",
            "/_synapse/admin/v1/registration_tokens/new", 200);

        var read = await MatrixAssert.OkAsync(await admin.Client.GetAsync($"{Tokens}/{token}"));
        Assert.Equal(3, read.GetProperty("uses_allowed").GetInt32());
        await AdminAudit.AssertLastAsync(Server, token, admin.UserId, "GET",
            "/_synapse/admin/v1/registration_tokens/{token}", 200);

        var expiry = long.Parse(FarFuture, System.Globalization.CultureInfo.InvariantCulture);
        var changed = await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync($"{Tokens}/{token}",
            new JsonObject { ["expiry_time"] = expiry }));
        Assert.Equal(expiry, changed.GetProperty("expiry_time").GetInt64());
        Assert.Equal(3, changed.GetProperty("uses_allowed").GetInt32());
        var unlimited = await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync($"{Tokens}/{token}",
            new JsonObject { ["uses_allowed"] = null }));
        Assert.Equal(JsonValueKind.Null, unlimited.GetProperty("uses_allowed").ValueKind);
        Assert.Equal(expiry, unlimited.GetProperty("expiry_time").GetInt64());
        await AdminAudit.AssertLastAsync(Server, token, admin.UserId, "PUT",
            "/_synapse/admin/v1/registration_tokens/{token}", 200);

        var deleted = await MatrixAssert.OkAsync(await admin.Client.DeleteAsync($"{Tokens}/{token}"));
        Assert.Empty(deleted.EnumerateObject());
        await AdminAudit.AssertLastAsync(Server, token, admin.UserId, "DELETE",
            "/_synapse/admin/v1/registration_tokens/{token}", 200);
        var gone = await MatrixAssert.ErrorAsync(await admin.Client.GetAsync($"{Tokens}/{token}"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.Equal($"No such registration token: {token}", gone.GetProperty("error").GetString());
        await MatrixAssert.ErrorAsync(await admin.Client.DeleteAsync($"{Tokens}/{token}"), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await admin.Client.PutAsJsonAsync($"{Tokens}/{token}",
            new JsonObject { ["uses_allowed"] = 1 }), HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_generated_token_has_the_requested_length_of_allowed_characters()
    {
        var admin = await Server.RegisterAdminAsync();

        var generated = await CreateAsync(admin, new JsonObject { ["length"] = 40 });
        var byDefault = await CreateAsync(admin, new JsonObject());

        Assert.Matches("^[A-Za-z0-9._~-]{40}$", generated.GetProperty("token").GetString());
        Assert.Equal(16, byDefault.GetProperty("token").GetString()!.Length);
    }

    [Theory]
    [InlineData("""{"token": 5}""", "token must be a string")]
    [InlineData("""{"token": ""}""", "token must not be empty and must not be longer than 64 characters")]
    [InlineData("""{"token": "has space"}""", "token must consist only of characters matched by the regex [A-Za-z0-9-_]")]
    [InlineData("""{"length": 65}""", "length must be greater than zero and not greater than 64")]
    [InlineData("""{"length": 1.5}""", "length must be an integer")]
    [InlineData("""{"uses_allowed": -1}""", "uses_allowed must be a non-negative integer or null")]
    [InlineData("""{"uses_allowed": "2"}""", "uses_allowed must be a non-negative integer or null")]
    [InlineData("""{"expiry_time": "soon"}""", "expiry_time must be an integer or null")]
    [InlineData("""{"expiry_time": 1000}""", "expiry_time must not be in the past")]
    public async Task Invalid_creations_are_refused_with_Synapse_messages(string body, string message)
    {
        var admin = await Server.RegisterAdminAsync();

        var refused = await MatrixAssert.ErrorAsync(await admin.Client.PostAsync(Tokens + "/new",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");

        Assert.Equal(message, refused.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Creating_an_existing_token_is_refused()
    {
        var admin = await Server.RegisterAdminAsync();
        var token = "dup" + Guid.NewGuid().ToString("N")[..8];
        await CreateAsync(admin, new JsonObject { ["token"] = token });

        var refused = await MatrixAssert.ErrorAsync(await admin.Client.PostAsJsonAsync(Tokens + "/new",
            new JsonObject { ["token"] = token }), HttpStatusCode.BadRequest, "M_INVALID_PARAM");

        Assert.Equal($"Token already exists: {token}", refused.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_valid_filter_counts_pending_registrations_against_the_uses_allowed()
    {
        var admin = await Server.RegisterAdminAsync();
        var pendingFull = "pend" + Guid.NewGuid().ToString("N")[..8];
        var open = "open" + Guid.NewGuid().ToString("N")[..8];
        await CreateAsync(admin, new JsonObject { ["token"] = pendingFull, ["uses_allowed"] = 1 });
        await CreateAsync(admin, new JsonObject { ["token"] = open, ["uses_allowed"] = 2 });
        // A registration that passed the token stage and has not finished yet.
        await AdminAuditTrail.ExecuteAsync(Server, """
            INSERT INTO uia_sessions (session_id, method, path, completed, registration_token, created_ts)
            VALUES ($1, 'POST', '/_matrix/client/v3/register', '{m.login.registration_token}', $2, $3)
            """, Guid.NewGuid().ToString("N"), pendingFull, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        var read = await MatrixAssert.OkAsync(await admin.Client.GetAsync($"{Tokens}/{pendingFull}"));
        var valid = await ListAsync(admin, "?valid=true");
        var invalid = await ListAsync(admin, "?valid=false");
        var all = await ListAsync(admin, "");

        Assert.Equal(1, read.GetProperty("pending").GetInt32());
        Assert.Contains(open, valid);
        Assert.DoesNotContain(pendingFull, valid);
        Assert.Contains(pendingFull, invalid);
        Assert.DoesNotContain(open, invalid);
        Assert.Contains(open, all);
        Assert.Contains(pendingFull, all);
        await AdminAuditTrail.AssertLastCallAsync(Server, admin.UserId, "GET",
            "/_synapse/admin/v1/registration_tokens", 200);
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(Tokens + "?valid=yes"), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_non_admin_is_refused_every_registration_token_call_and_audited()
    {
        var user = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await user.Client.GetAsync(Tokens), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await AdminAuditTrail.AssertLastCallAsync(Server, user.UserId, "GET", "/_synapse/admin/v1/registration_tokens",
            403, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await user.Client.PostAsJsonAsync(Tokens + "/new", new JsonObject()),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await user.Client.GetAsync(Tokens + "/abc"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await user.Client.PutAsJsonAsync(Tokens + "/abc", new JsonObject()),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await user.Client.DeleteAsync(Tokens + "/abc"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await AdminAuditTrail.AssertLastCallAsync(Server, user.UserId, "DELETE",
            "/_synapse/admin/v1/registration_tokens/{token}", 403, "M_FORBIDDEN");
    }

    private static async Task<List<string>> ListAsync(TestSession admin, string query)
    {
        var body = await MatrixAssert.OkAsync(await admin.Client.GetAsync(Tokens + query));
        return body.GetProperty("registration_tokens").EnumerateArray()
            .Select(t => t.GetProperty("token").GetString()!).ToList();
    }
}
