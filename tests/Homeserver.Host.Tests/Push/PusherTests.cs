using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Push;

public sealed class PusherTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string Url = "https://push.example.org/_matrix/push/v1/notify";

    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Pushers_are_set_listed_updated_and_deleted_by_app_id_and_pushkey()
    {
        var alice = await Server.RegisterAsync();
        var body = PushSteps.HttpPusher(Url, "k1", new JsonObject { ["format"] = "event_id_only" });
        body["profile_tag"] = "tag";
        await alice.SetPusherAsync(body);

        var pusher = Assert.Single(await alice.PushersAsync())!;
        Assert.Equal("k1", pusher["pushkey"]!.GetValue<string>());
        Assert.Equal("http", pusher["kind"]!.GetValue<string>());
        Assert.Equal("org.example.app", pusher["app_id"]!.GetValue<string>());
        Assert.Equal("Example", pusher["app_display_name"]!.GetValue<string>());
        Assert.Equal("Phone", pusher["device_display_name"]!.GetValue<string>());
        Assert.Equal("en", pusher["lang"]!.GetValue<string>());
        Assert.Equal("tag", pusher["profile_tag"]!.GetValue<string>());
        Assert.Equal(Url, pusher["data"]!["url"]!.GetValue<string>());
        Assert.Equal("event_id_only", pusher["data"]!["format"]!.GetValue<string>());

        body["app_display_name"] = "Renamed";
        await alice.SetPusherAsync(body);
        Assert.Equal("Renamed", Assert.Single(await alice.PushersAsync())!["app_display_name"]!.GetValue<string>());

        await alice.SetPusherAsync(PushSteps.HttpPusher(Url, "k2"));
        Assert.Equal(2, (await alice.PushersAsync()).Count);

        await alice.SetPusherAsync(new JsonObject { ["kind"] = null, ["app_id"] = "org.example.app", ["pushkey"] = "k1" });
        Assert.Equal("k2", Assert.Single(await alice.PushersAsync())!["pushkey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Setting_a_pushkey_removes_other_users_pushers_of_it_unless_appending()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var pushKey = "shared-" + Guid.NewGuid().ToString("N");
        await alice.SetPusherAsync(PushSteps.HttpPusher(Url, pushKey));

        var appended = PushSteps.HttpPusher(Url, pushKey);
        appended["append"] = true;
        await bob.SetPusherAsync(appended);
        Assert.Single(await alice.PushersAsync());

        await carol.SetPusherAsync(PushSteps.HttpPusher(Url, pushKey));
        Assert.Empty(await alice.PushersAsync());
        Assert.Empty(await bob.PushersAsync());
        Assert.Single(await carol.PushersAsync());
    }

    [Fact]
    public async Task Pushers_go_with_the_device_that_set_them()
    {
        var alice = await Server.RegisterAsync();
        var phone = await Server.LoginAsync(alice.UserId);
        var tablet = await Server.LoginAsync(alice.UserId);
        await phone.SetPusherAsync(PushSteps.HttpPusher(Url, "phone"));
        await tablet.SetPusherAsync(PushSteps.HttpPusher(Url, "tablet"));
        await alice.SetPusherAsync(PushSteps.HttpPusher(Url, "first"));

        await MatrixAssert.OkAsync(await phone.Client.PostAsJsonAsync("/_matrix/client/v3/logout", new JsonObject()));
        Assert.DoesNotContain(await alice.PushersAsync(), p => p!["pushkey"]!.GetValue<string>() == "phone");

        var path = $"/_matrix/client/v3/devices/{RoomSteps.Escape(tablet.DeviceId)}";
        using var challenge = await alice.Client.DeleteAsync(path);
        var uiaSession = System.Text.Json.JsonDocument.Parse(await challenge.Content.ReadAsStringAsync())
            .RootElement.GetProperty("session").GetString();
        using var deletion = await alice.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, path)
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["auth"] = new JsonObject
                {
                    ["type"] = "m.login.password",
                    ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = alice.UserId },
                    ["password"] = LiveServer.Password,
                    ["session"] = uiaSession,
                },
            }),
        });
        await MatrixAssert.OkAsync(deletion);
        Assert.Equal("first", Assert.Single(await alice.PushersAsync())!["pushkey"]!.GetValue<string>());
    }

    public static TheoryData<string, string> InvalidPushers => new()
    {
        { """{"app_id": "a", "pushkey": "k"}""", "M_MISSING_PARAM" },
        { """{"kind": "http", "pushkey": "k"}""", "M_MISSING_PARAM" },
        { """{"kind": "http", "app_id": "a", "pushkey": "k", "app_display_name": "A", "device_display_name": "D", "lang": "en"}""", "M_MISSING_PARAM" },
        { """{"kind": "http", "app_id": "a", "pushkey": "k", "app_display_name": "A", "device_display_name": "D", "lang": "en", "data": {}}""", "M_MISSING_PARAM" },
        { """{"kind": "http", "app_id": "a", "pushkey": "k", "app_display_name": "A", "device_display_name": "D", "lang": "en", "data": {"url": "https://push.example.org/notify"}}""", "M_INVALID_PARAM" },
        { """{"kind": "http", "app_id": "a", "pushkey": "k", "app_display_name": "A", "device_display_name": "D", "lang": "en", "data": {"url": "ftp://push.example.org/_matrix/push/v1/notify"}}""", "M_INVALID_PARAM" },
        { """{"kind": "http", "app_id": "a", "pushkey": "k", "app_display_name": "A", "device_display_name": "D", "lang": "en", "data": {"url": "not a url"}}""", "M_INVALID_PARAM" },
        { """{"kind": "http", "app_id": "a", "pushkey": "k", "app_display_name": "A", "device_display_name": "D", "lang": "en", "data": {"url": "https://p.example.org/_matrix/push/v1/notify", "format": "full"}}""", "M_INVALID_PARAM" },
        { """{"kind": "carrier-pigeon", "app_id": "a", "pushkey": "k", "app_display_name": "A", "device_display_name": "D", "lang": "en", "data": {}}""", "M_INVALID_PARAM" },
        { """{"kind": "email", "app_id": "m.email", "pushkey": "a@example.org", "app_display_name": "A", "device_display_name": "D", "lang": "en", "data": {}}""", "M_THREEPID_NOT_FOUND" },
        { """{"kind": "http", "app_id": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "pushkey": "k"}""", "M_INVALID_PARAM" },
        { """{"kind": 7, "app_id": "a", "pushkey": "k"}""", "M_BAD_JSON" },
        { """{"kind": null, "app_id": "a", "pushkey": "k", "append": "yes"}""", "M_BAD_JSON" },
        { """{"kind": "http", "app_id": "a", "pushkey": "k", "app_display_name": "A", "device_display_name": "D", "lang": "en", "data": "https://p.example.org/_matrix/push/v1/notify"}""", "M_BAD_JSON" },
    };

    [Theory]
    [MemberData(nameof(InvalidPushers))]
    public async Task Invalid_pushers_are_refused_with_the_matching_error(string body, string errcode)
    {
        var alice = await Server.RegisterAsync();

        var response = await alice.Client.PostAsync("/_matrix/client/v3/pushers/set",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, errcode);
        Assert.Empty(await alice.PushersAsync());
    }

    [Fact]
    public async Task Pushers_need_an_access_token()
    {
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync("/_matrix/client/v3/pushers"),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }
}
