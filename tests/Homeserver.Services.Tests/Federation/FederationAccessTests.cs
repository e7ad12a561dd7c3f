using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.History;
using Homeserver.Services.Rooms;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Tests.Federation;

/// <summary>
/// <c>Federation:AllowedServers</c>/<c>DeniedServers</c> (read, and applied by the outbound client), the inbound
/// rate limit per origin, and the unsigned fields served to other servers.
/// </summary>
public sealed class FederationAccessTests
{
    private static HomeserverSettings Read(params (string Key, string Value)[] values) =>
        SettingsReader.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Homeserver:" + v.Key, v.Value))
                .Append(new KeyValuePair<string, string?>("Homeserver:ServerName", "us.test")))
            .Build(), "/srv/homeserver");

    [Fact]
    public void Every_server_is_allowed_by_default_and_origins_get_50_requests_a_second_with_a_burst_of_200()
    {
        var access = Read().FederationAccess;

        Assert.True(access.Allows(ServerName.Parse("anyone.test")));
        Assert.Equal(new RateLimit(50, 200), access.InboundRequestRate);
    }

    [Fact]
    public void An_allow_list_admits_only_its_servers_and_a_deny_list_refuses_its_own()
    {
        var allowing = Read(("Federation:AllowedServers:0", "friend.test"), ("Federation:AllowedServers:1", "ally.test:8448"))
            .FederationAccess;
        var denying = Read(("Federation:DeniedServers:0", "enemy.test")).FederationAccess;
        var both = Read(("Federation:AllowedServers:0", "friend.test"), ("Federation:DeniedServers:0", "friend.test"))
            .FederationAccess;

        Assert.True(allowing.Allows(ServerName.Parse("friend.test")));
        Assert.True(allowing.Allows(ServerName.Parse("ally.test:8448")));
        Assert.False(allowing.Allows(ServerName.Parse("ally.test")));
        Assert.False(allowing.Allows(ServerName.Parse("stranger.test")));
        Assert.False(denying.Allows(ServerName.Parse("enemy.test")));
        Assert.True(denying.Allows(ServerName.Parse("stranger.test")));
        Assert.False(both.Allows(ServerName.Parse("friend.test")));
    }

    [Fact]
    public void Bad_server_names_and_rates_are_setting_errors()
    {
        var (_, errors) = SettingsReader.TryRead(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Homeserver:ServerName"] = "us.test",
                ["Homeserver:Federation:DeniedServers:0"] = "not a server",
                ["Homeserver:Federation:InboundRequestsPerSecond"] = "-1",
            }).Build(), "/srv/homeserver");

        Assert.Contains(errors, e => e.Contains("Federation:DeniedServers:0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Federation:InboundRequestsPerSecond", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_client_refuses_to_contact_a_denied_or_unlisted_server_and_sends_nothing()
    {
        var access = Read(("Federation:AllowedServers:0", "friend.test"), ("Federation:DeniedServers:0", "enemy.test"))
            .FederationAccess;
        using var harness = new ClientHarness(access: access);

        foreach (var destination in (string[])["enemy.test", "stranger.test"])
        {
            var refused = await Assert.ThrowsAsync<FederationException>(() => harness.GetAsync(destination));
            Assert.Equal(FederationFailure.NotAllowed, refused.Failure);
        }

        Assert.Empty(harness.Signer.Signed);
    }

    [Fact]
    public void Requests_beyond_an_origins_burst_are_429_until_its_bucket_refills()
    {
        var clock = new ManualClock();
        var limit = new OriginRateLimit(Read(("Federation:InboundRequestsPerSecond", "2"),
            ("Federation:InboundRequestBurst", "3")), clock);
        var busy = ServerName.Parse("busy.test");

        for (var i = 0; i < 3; i++)
        {
            limit.Acquire(busy);
        }

        var refused = Assert.Throws<MatrixException>(() => limit.Acquire(busy));
        Assert.Equal(ErrorCode.LimitExceeded, refused.Code);
        Assert.Equal(500L, refused.ExtraFields["retry_after_ms"]);
        limit.Acquire(ServerName.Parse("quiet.test")); // other origins have their own bucket
        clock.Advance(TimeSpan.FromMilliseconds(500));
        limit.Acquire(busy);
    }

    [Fact]
    public void A_rate_of_zero_turns_the_limit_off()
    {
        var limit = new OriginRateLimit(Read(("Federation:InboundRequestsPerSecond", "0"),
            ("Federation:InboundRequestBurst", "1")), new ManualClock());

        for (var i = 0; i < 100; i++)
        {
            limit.Acquire(ServerName.Parse("busy.test"));
        }
    }

    [Fact]
    public void A_served_pdu_keeps_only_the_unsigned_fields_federation_carries()
    {
        var invite = Stored("""
            {"type":"m.room.member","state_key":"@b:x.test","sender":"@a:us.test","content":{"membership":"invite"},
             "unsigned":{"invite_room_state":[{"type":"m.room.name"}],"transaction_id":"t1","age":5}}
            """);
        var message = Stored("""
            {"type":"m.room.message","sender":"@a:us.test","content":{"body":"hi"},"unsigned":{"transaction_id":"t1"}}
            """);

        var servedInvite = FederationPduJson.Of(invite, visible: true);
        var servedMessage = FederationPduJson.Of(message, visible: true);
        var hidden = FederationPduJson.Of(message, visible: false);

        Assert.Equal(["invite_room_state"], servedInvite["unsigned"]!.AsObject().Select(p => p.Key));
        Assert.Null(servedMessage["unsigned"]);
        Assert.Equal("hi", servedMessage["content"]!["body"]!.GetValue<string>());
        Assert.Equal(new JsonObject(), hidden["content"]);
    }

    private static StoredEvent Stored(string json)
    {
        var pdu = JsonNode.Parse(json)!.AsObject();
        pdu["room_id"] = "!r:us.test";
        pdu["depth"] = 3;
        pdu["origin_server_ts"] = 1;
        pdu["prev_events"] = new JsonArray();
        pdu["auth_events"] = new JsonArray();
        return new StoredEvent(Pdu.FromTrusted(pdu.ToJsonString(), RoomVersions.V12, "$e"), 1, null, null, null);
    }
}
