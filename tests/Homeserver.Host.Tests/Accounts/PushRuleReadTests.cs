using System.Net;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

public sealed class PushRuleReadTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_new_user_reads_the_spec_default_rules_made_for_them()
    {
        var alice = await Server.RegisterAsync();

        var global = (await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/pushrules/"))).GetProperty("global");

        var master = global.GetProperty("override")[0];
        Assert.Equal(".m.rule.master", master.GetProperty("rule_id").GetString());
        Assert.False(master.GetProperty("enabled").GetBoolean());
        Assert.True(master.GetProperty("default").GetBoolean());
        Assert.Contains(global.GetProperty("underride").EnumerateArray(), r => r.GetProperty("rule_id").GetString() == ".m.rule.message");
        foreach (var kind in new[] { "override", "content", "room", "sender", "underride" })
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Array, global.GetProperty(kind).ValueKind);
        }
    }

    [Fact]
    public async Task Single_rules_are_read_by_kind_and_id()
    {
        var alice = await Server.RegisterAsync();

        var rule = await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/pushrules/global/override/.m.rule.master"));
        var missing = await alice.Client.GetAsync("/_matrix/client/v3/pushrules/global/override/no.such.rule");
        var badKind = await alice.Client.GetAsync("/_matrix/client/v3/pushrules/global/sideways/.m.rule.master");

        Assert.Equal(".m.rule.master", rule.GetProperty("rule_id").GetString());
        await MatrixAssert.ErrorAsync(missing, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(badKind, HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Push_rules_need_an_access_token()
    {
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync("/_matrix/client/v3/pushrules/"),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }
}
