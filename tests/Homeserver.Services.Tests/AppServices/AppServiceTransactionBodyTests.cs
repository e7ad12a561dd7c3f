using System.Text.Json;
using Homeserver.Services.AppServices.Push;

namespace Homeserver.Services.Tests.AppServices;

/// <summary>What goes into a transaction's body beside the events.</summary>
public sealed class AppServiceTransactionBodyTests
{
    private static readonly AppServiceItem Typing = new(1, AppServiceItemKinds.Ephemeral,
        """{"type":"m.typing","room_id":"!r:test.local","content":{"user_ids":["@ghost_1:test.local"]}}""");

    [Fact]
    public void Ephemeral_events_go_under_both_names_only_for_an_appservice_that_asked()
    {
        var asked = Parse(AppServicePushHarness.MakeRegistration("a", null, ephemeral: true), [Typing], []);
        var notAsked = Parse(AppServicePushHarness.MakeRegistration("b", null), [Typing], []);

        Assert.Equal("m.typing", asked.GetProperty("ephemeral")[0].GetProperty("type").GetString());
        Assert.Equal("m.typing", asked.GetProperty("de.sorunome.msc2409.ephemeral")[0].GetProperty("type").GetString());
        Assert.False(notAsked.TryGetProperty("ephemeral", out _));
        Assert.Equal(0, notAsked.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public void Msc3202_device_lists_keep_each_users_latest_change_and_key_counts_are_per_device()
    {
        var items = new List<AppServiceItem>
        {
            new(1, AppServiceItemKinds.DeviceListChanged, "@a:test.local"),
            new(2, AppServiceItemKinds.DeviceListLeft, "@b:test.local"),
            new(3, AppServiceItemKinds.DeviceListLeft, "@a:test.local"),
            new(4, AppServiceItemKinds.DeviceListChanged, "@b:test.local"),
            new(5, AppServiceItemKinds.DeviceListChanged, "@c:test.local"),
        };
        var keys = new List<AppServiceDeviceKeys>
        {
            new("@ghost_1:test.local", "DEV", new Dictionary<string, int> { ["signed_curve25519"] = 7 }, ["signed_curve25519"]),
        };

        var body = Parse(AppServicePushHarness.MakeRegistration("a", null, msc3202: true), items, keys);
        var plain = Parse(AppServicePushHarness.MakeRegistration("b", null), items, keys);

        var lists = body.GetProperty("org.matrix.msc3202.device_lists");
        Assert.Equal(["@b:test.local", "@c:test.local"], lists.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["@a:test.local"], lists.GetProperty("left").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(7, body.GetProperty("org.matrix.msc3202.device_one_time_keys_count")
            .GetProperty("@ghost_1:test.local").GetProperty("DEV").GetProperty("signed_curve25519").GetInt32());
        Assert.Equal("signed_curve25519", body.GetProperty("org.matrix.msc3202.device_unused_fallback_key_types")
            .GetProperty("@ghost_1:test.local").GetProperty("DEV")[0].GetString());
        Assert.False(plain.TryGetProperty("org.matrix.msc3202.device_lists", out _));
    }

    private static JsonElement Parse(Core.AppServices.AppServiceRegistration appService, List<AppServiceItem> items,
        List<AppServiceDeviceKeys> keys) =>
        JsonDocument.Parse(AppServiceTransactionBody.Build(appService, items, keys)).RootElement;
}
