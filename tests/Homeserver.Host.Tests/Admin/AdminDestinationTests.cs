using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Tests.Federation;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation.Client;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Admin;

/// <summary>Synapse's federation destinations admin API on two of our servers over loopback: what hs1's sender knows
/// of hs2, the rooms they share, and resetting hs2's back-off.</summary>
public sealed class AdminDestinationTests : IAsyncLifetime
{
    private const string Hs2 = "hs2.test";
    private const string Base = "/_synapse/admin/v1/federation/destinations";
    private FederationCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await FederationCluster.StartAsync(2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_destination_is_listed_with_its_shared_rooms_and_its_back_off_can_be_reset()
    {
        var admin = await _cluster[0].RegisterAdminAsync();
        var alice = await _cluster[0].RegisterAsync("alice");
        var bob = await _cluster[1].RegisterAsync("bob");
        var roomId = await SharedRoomAsync(alice, bob);
        await alice.SendTextAsync(roomId, "to hs2");
        await Eventually.HoldsAsync(async () =>
        {
            var (_, body) = await _cluster[0].GetAsync($"{Base}/{Hs2}", admin.AccessToken);
            return body.TryGetProperty("last_successful_stream_ordering", out var position) &&
                   position.ValueKind == System.Text.Json.JsonValueKind.Number;
        }, "hs1 delivered to hs2", TimeSpan.FromSeconds(60));

        var list = await MatrixAssert.OkAsync(await admin.Client.GetAsync($"{Base}?destination=HS2"));
        var rooms = await MatrixAssert.OkAsync(await admin.Client.GetAsync($"{Base}/{Hs2}/rooms"));
        var listed = Assert.Single(list.GetProperty("destinations").EnumerateArray());
        Assert.Equal(Hs2, listed.GetProperty("destination").GetString());
        Assert.Equal(0, listed.GetProperty("retry_interval").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, listed.GetProperty("failure_ts").ValueKind);
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal([roomId], rooms.GetProperty("rooms").EnumerateArray()
            .Select(r => r.GetProperty("room_id").GetString()));
        Assert.True(rooms.GetProperty("rooms")[0].GetProperty("stream_ordering").GetInt64() > 0);
        await MatrixAssert.ErrorAsync(await admin.PostEmptyAsync($"{Base}/{Hs2}/reset_connection"),
            HttpStatusCode.BadRequest, "M_UNKNOWN");

        var backoff = _cluster[0].Instance.App.Services.GetRequiredService<DestinationBackoff>();
        backoff.RecordFailure(ServerName.Parse(Hs2));
        var failing = await MatrixAssert.OkAsync(await admin.Client.GetAsync($"{Base}/{Hs2}"));
        Assert.True(failing.GetProperty("retry_interval").GetInt64() > 0);
        Assert.True(failing.GetProperty("failure_ts").GetInt64() > 0);
        Assert.Equal(failing.GetProperty("failure_ts").GetInt64(), failing.GetProperty("retry_last_ts").GetInt64());

        await MatrixAssert.OkAsync(await admin.PostEmptyAsync($"{Base}/{Hs2}/reset_connection"));

        Assert.Null(backoff.StateOf(ServerName.Parse(Hs2)));
        await AdminAudit.AssertLastAsync(_cluster[0], Hs2, admin.UserId, "POST",
            "/_synapse/admin/v1/federation/destinations/{destination}/reset_connection", 200);
    }

    [Fact]
    public async Task An_unknown_destination_is_not_found_and_a_non_admin_is_refused()
    {
        var admin = await _cluster[0].RegisterAdminAsync();
        var alice = await _cluster[0].RegisterAsync("alice");

        var unknown = await MatrixAssert.ErrorAsync(await admin.Client.GetAsync($"{Base}/nowhere.test"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync($"{Base}/nowhere.test/rooms"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await admin.PostEmptyAsync($"{Base}/nowhere.test/reset_connection"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync($"{Base}?order_by=name"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync($"{Base}/{Hs2}"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");

        Assert.Equal("Unknown destination", unknown.GetProperty("error").GetString());
        await AdminAudit.AssertLastAsync(_cluster[0], Hs2, alice.UserId, "GET",
            "/_synapse/admin/v1/federation/destinations/{destination}", 403, "M_FORBIDDEN");
    }

    private async Task<string> SharedRoomAsync(TestSession alice, TestSession bob)
    {
        var (status, created) = await _cluster[0].PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "public_chat" }, alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, created.ToString());
        var roomId = created.GetProperty("room_id").GetString()!;
        var (joined, body) = await _cluster[1].PostAsync(
            $"/_matrix/client/v3/join/{Uri.EscapeDataString(roomId)}?server_name=hs1.test", new JsonObject(),
            bob.AccessToken);
        Assert.True(joined == HttpStatusCode.OK, body.ToString());
        return roomId;
    }
}
