using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Push;

public sealed class PushRuleWriteTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string Global = "/_matrix/client/v3/pushrules/global";

    private LiveServer Server => fixture.Server;

    private static JsonObject MuteRule(string sender) => new()
    {
        ["actions"] = new JsonArray(),
        ["conditions"] = new JsonArray(new JsonObject { ["kind"] = "event_match", ["key"] = "sender", ["pattern"] = sender }),
    };

    [Fact]
    public async Task New_rules_go_first_among_user_rules_or_where_before_and_after_place_them()
    {
        var alice = await Server.RegisterAsync();

        await PutAsync(alice, "override/a", MuteRule("@a:x"));
        await PutAsync(alice, "override/b", MuteRule("@b:x"));
        await PutAsync(alice, "override/c?after=b", MuteRule("@c:x"));
        await PutAsync(alice, "override/d?before=b", MuteRule("@d:x"));
        await PutAsync(alice, "override/e?before=a&after=d", MuteRule("@e:x"));

        var ids = await RuleIdsAsync(alice, "override");
        Assert.Equal([".m.rule.master", "d", "b", "c", "e", "a", ".m.rule.suppress_notices"], ids.Take(7));
        var rule = await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{Global}/override/c"));
        Assert.True(rule.GetProperty("enabled").GetBoolean());
        Assert.False(rule.GetProperty("default").GetBoolean());
        Assert.Equal("@c:x", rule.GetProperty("conditions")[0].GetProperty("pattern").GetString());
    }

    [Fact]
    public async Task Updating_a_rule_keeps_its_place_unless_moved()
    {
        var alice = await Server.RegisterAsync();
        await PutAsync(alice, "content/one", new JsonObject { ["pattern"] = "cake*", ["actions"] = new JsonArray("notify") });
        await PutAsync(alice, "content/two", new JsonObject { ["pattern"] = "pie*", ["actions"] = new JsonArray("notify") });

        await PutAsync(alice, "content/one", new JsonObject { ["pattern"] = "lie*", ["actions"] = new JsonArray() });
        Assert.Equal(["two", "one", ".m.rule.contains_user_name"], await RuleIdsAsync(alice, "content"));
        Assert.Equal("lie*", (await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{Global}/content/one")))
            .GetProperty("pattern").GetString());

        await PutAsync(alice, "content/one?before=two", new JsonObject { ["pattern"] = "lie*", ["actions"] = new JsonArray() });
        Assert.Equal(["one", "two", ".m.rule.contains_user_name"], await RuleIdsAsync(alice, "content"));
    }

    [Fact]
    public async Task User_rules_are_deleted_but_server_default_rules_are_not()
    {
        var alice = await Server.RegisterAsync();
        var roomId = "!room:" + alice.UserId.Split(':')[1];
        await PutAsync(alice, $"room/{RoomSteps.Escape(roomId)}", new JsonObject { ["actions"] = new JsonArray() });

        await MatrixAssert.OkAsync(await alice.Client.DeleteAsync($"{Global}/room/{RoomSteps.Escape(roomId)}"));

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync($"{Global}/room/{RoomSteps.Escape(roomId)}"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.DeleteAsync($"{Global}/room/{RoomSteps.Escape(roomId)}"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.DeleteAsync($"{Global}/override/.m.rule.master"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        Assert.Contains(".m.rule.master", await RuleIdsAsync(alice, "override"));
    }

    [Fact]
    public async Task Enabled_and_actions_of_default_and_user_rules_can_be_read_and_changed()
    {
        var alice = await Server.RegisterAsync();

        Assert.False((await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{Global}/override/.m.rule.master/enabled")))
            .GetProperty("enabled").GetBoolean());
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync($"{Global}/override/.m.rule.master/enabled",
            new JsonObject { ["enabled"] = true }));
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync($"{Global}/underride/.m.rule.message/actions",
            new JsonObject { ["actions"] = new JsonArray("notify", new JsonObject { ["set_tweak"] = "sound", ["value"] = "bing" }) }));

        Assert.True((await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{Global}/override/.m.rule.master/enabled")))
            .GetProperty("enabled").GetBoolean());
        var actions = (await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{Global}/underride/.m.rule.message/actions")))
            .GetProperty("actions");
        Assert.Equal("bing", actions[1].GetProperty("value").GetString());
        var message = await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{Global}/underride/.m.rule.message"));
        Assert.True(message.GetProperty("default").GetBoolean());
        Assert.Equal("m.room.message", message.GetProperty("conditions")[0].GetProperty("pattern").GetString());

        await PutAsync(alice, "sender/@bob:x", new JsonObject { ["actions"] = new JsonArray("notify") });
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync($"{Global}/sender/@bob:x/enabled",
            new JsonObject { ["enabled"] = false }));
        Assert.False((await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{Global}/sender/@bob:x")))
            .GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Rule_changes_reach_the_users_clients_as_push_rules_account_data_in_incremental_sync()
    {
        var alice = await Server.RegisterAsync();
        var since = (await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/sync?timeout=0")))
            .GetProperty("next_batch").GetString();

        await PutAsync(alice, "override/mute-bob", MuteRule("@bob:x"));

        var sync = await MatrixAssert.OkAsync(await alice.Client.GetAsync($"/_matrix/client/v3/sync?timeout=0&since={since}"));
        var pushRules = Assert.Single(sync.GetProperty("account_data").GetProperty("events").EnumerateArray(),
            e => e.GetProperty("type").GetString() == "m.push_rules");
        var overrides = pushRules.GetProperty("content").GetProperty("global").GetProperty("override").EnumerateArray()
            .Select(r => r.GetProperty("rule_id").GetString()).ToList();
        Assert.Equal([".m.rule.master", "mute-bob", ".m.rule.suppress_notices"], overrides.Take(3));
        Assert.Contains(pushRules.GetProperty("content").GetProperty("global").GetProperty("underride").EnumerateArray(),
            r => r.GetProperty("rule_id").GetString() == ".m.rule.message");
    }

    public static TheoryData<string, string, HttpStatusCode, string> InvalidPuts => new()
    {
        { "override/new?before=nosuchrule", """{"actions": []}""", HttpStatusCode.NotFound, "M_NOT_FOUND" },
        { "override/new?after=nosuchrule", """{"actions": []}""", HttpStatusCode.NotFound, "M_NOT_FOUND" },
        { "override/new?after=.m.rule.master", """{"actions": []}""", HttpStatusCode.BadRequest, "M_INVALID_PARAM" },
        { "override/.m.rule.mine", """{"actions": []}""", HttpStatusCode.BadRequest, "M_INVALID_PARAM" },
        { "override/a%5Cb", """{"actions": []}""", HttpStatusCode.BadRequest, "M_INVALID_PARAM" },
        { "sideways/new", """{"actions": []}""", HttpStatusCode.BadRequest, "M_INVALID_PARAM" },
        { "override/new", """{}""", HttpStatusCode.BadRequest, "M_BAD_JSON" },
        { "override/new", """{"actions": ["explode"]}""", HttpStatusCode.BadRequest, "M_BAD_JSON" },
        { "override/new", """{"actions": [{"value": 1}]}""", HttpStatusCode.BadRequest, "M_BAD_JSON" },
        { "override/new", """{"actions": [], "conditions": {}}""", HttpStatusCode.BadRequest, "M_BAD_JSON" },
        { "override/new", """{"actions": [], "conditions": [{"kind": "event_match", "key": "type"}]}""", HttpStatusCode.BadRequest, "M_BAD_JSON" },
        { "override/new", """{"actions": [], "conditions": [{"kind": "event_property_is", "key": "x", "value": {}}]}""", HttpStatusCode.BadRequest, "M_BAD_JSON" },
        { "override/new", """{"actions": [], "conditions": ["type"]}""", HttpStatusCode.BadRequest, "M_BAD_JSON" },
        { "content/new", """{"actions": []}""", HttpStatusCode.BadRequest, "M_BAD_JSON" },
        { "override/new", "[]", HttpStatusCode.BadRequest, "M_BAD_JSON" },
    };

    [Theory]
    [MemberData(nameof(InvalidPuts))]
    public async Task Invalid_rules_are_refused_and_change_nothing(string path, string body, HttpStatusCode status, string errcode)
    {
        var alice = await Server.RegisterAsync();
        var before = await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/pushrules/"));

        var response = await alice.Client.PutAsync($"{Global}/{path}", new StringContent(body, Encoding.UTF8, "application/json"));

        await MatrixAssert.ErrorAsync(response, status, errcode);
        var after = await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/pushrules/"));
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task Enabled_and_actions_of_unknown_rules_or_bad_bodies_are_refused()
    {
        var alice = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync($"{Global}/override/nosuchrule/enabled",
            new JsonObject { ["enabled"] = true }), HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync($"{Global}/override/nosuchrule/actions"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync($"{Global}/override/.m.rule.master/enabled",
            new JsonObject { ["enabled"] = "yes" }), HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync($"{Global}/override/.m.rule.master/actions",
            new JsonObject { ["actions"] = "notify" }), HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    private static async Task PutAsync(TestSession session, string path, JsonObject body) =>
        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync($"{Global}/{path}", body));

    private static async Task<List<string>> RuleIdsAsync(TestSession session, string kind) =>
        (await MatrixAssert.OkAsync(await session.Client.GetAsync("/_matrix/client/v3/pushrules/")))
        .GetProperty("global").GetProperty(kind).EnumerateArray()
        .Select(r => r.GetProperty("rule_id").GetString()!).ToList();
}
