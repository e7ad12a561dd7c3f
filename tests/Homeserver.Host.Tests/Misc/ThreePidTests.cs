using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Misc;

/// <summary>Third-party identifiers: none are kept, and every way to add or verify one is refused as the spec says.</summary>
public sealed class ThreePidTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static JsonObject TokenRequest(string medium) => medium == "email"
        ? new JsonObject { ["client_secret"] = "monkeys_are_GREAT", ["email"] = "alice@example.org", ["send_attempt"] = 1 }
        : new JsonObject
        {
            ["client_secret"] = "monkeys_are_GREAT", ["country"] = "GB", ["phone_number"] = "07700900001",
            ["send_attempt"] = 1,
        };

    [Fact]
    public async Task A_user_has_no_third_party_identifiers()
    {
        var user = await Server.RegisterAsync();

        var body = await SpecSchema.AssertValidAsync(await user.Client.GetAsync("/_matrix/client/v3/account/3pid"));

        Assert.Empty(body.GetProperty("threepids").EnumerateArray());
    }

    [Theory]
    [InlineData("register", "email", 403, "M_THREEPID_DENIED")]
    [InlineData("register", "msisdn", 403, "M_THREEPID_DENIED")]
    [InlineData("account/password", "email", 403, "M_THREEPID_DENIED")]
    [InlineData("account/password", "msisdn", 403, "M_THREEPID_DENIED")]
    [InlineData("account/3pid", "email", 400, "M_THREEPID_MEDIUM_NOT_SUPPORTED")]
    [InlineData("account/3pid", "msisdn", 400, "M_THREEPID_MEDIUM_NOT_SUPPORTED")]
    public async Task Validation_tokens_are_refused_with_the_error_the_spec_declares(string area, string medium,
        int status, string errcode)
    {
        var path = $"/_matrix/client/v3/{area}/{medium}/requestToken";
        var request = TokenRequest(medium);

        var response = await Server.Anonymous.PostAsJsonAsync(path, request);

        await MatrixAssert.ErrorAsync(response, (HttpStatusCode)status, errcode);
        await SpecSchema.AssertValidAsync(response, request);
    }

    [Fact]
    public async Task Adding_binding_or_submitting_a_third_party_identifier_is_refused()
    {
        var user = await Server.RegisterAsync();
        var add = new JsonObject { ["client_secret"] = "d0nt", ["sid"] = "abc123987" };

        await MatrixAssert.ErrorAsync(await user.Client.PostAsJsonAsync("/_matrix/client/v3/account/3pid/add", add),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await user.Client.PostAsJsonAsync("/_matrix/client/v3/account/3pid/bind",
                new JsonObject
                {
                    ["client_secret"] = "d0nt", ["sid"] = "abc123987", ["id_server"] = "id.example.org",
                    ["id_access_token"] = "abc",
                }),
            HttpStatusCode.BadRequest, "M_SERVER_NOT_TRUSTED");
        var creds = new JsonObject
        {
            ["three_pid_creds"] = new JsonObject
            {
                ["client_secret"] = "d0nt", ["sid"] = "abc123987", ["id_server"] = "id.example.org",
                ["id_access_token"] = "abc",
            },
        };
        var legacy = await user.Client.PostAsJsonAsync("/_matrix/client/v3/account/3pid", creds);
        await MatrixAssert.ErrorAsync(legacy, HttpStatusCode.Forbidden, "M_THREEPID_AUTH_FAILED");
        await SpecSchema.AssertValidAsync(legacy, creds);
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("unbind")]
    public async Task Removing_an_address_the_user_does_not_have_answers_no_support(string action)
    {
        var user = await Server.RegisterAsync();
        var request = new JsonObject { ["medium"] = "email", ["address"] = "nobody@example.org" };

        var response = await user.Client.PostAsJsonAsync($"/_matrix/client/v3/account/3pid/{action}", request);

        var body = await SpecSchema.AssertValidAsync(response, request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-support", body.GetProperty("id_server_unbind_result").GetString());
        await MatrixAssert.ErrorAsync(await user.Client.PostAsJsonAsync($"/_matrix/client/v3/account/3pid/{action}",
            new JsonObject { ["medium"] = "email" }), HttpStatusCode.BadRequest, "M_MISSING_PARAM");
    }

    [Fact]
    public async Task Neither_login_nor_registration_offers_email()
    {
        var login = await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync("/_matrix/client/v3/login"));
        var registration = await Server.Anonymous.PostAsJsonAsync("/_matrix/client/v3/register", new JsonObject());
        var text = login.GetRawText() + await registration.Content.ReadAsStringAsync();

        Assert.DoesNotContain("email", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("msisdn", text, StringComparison.OrdinalIgnoreCase);
    }
}
