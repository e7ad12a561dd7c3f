using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Rooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.Host.Tests.Federation;

/// <summary><c>PUT /_matrix/federation/v1/send/{txnId}</c> through the federation listener, from a remote server
/// whose signing key this server fetches from a key endpoint on loopback.</summary>
public sealed class ReceiveTransactionTests
{
    private const string Remote = "remote.test";
    private const string Bob = "@bob:remote.test";
    private static readonly SigningKey RemoteKey = SigningKey.FromSeed("rk", Enumerable.Repeat((byte)9, 32).ToArray());

    [Fact]
    public async Task A_remote_users_join_and_message_sent_in_signed_transactions_reach_the_room()
    {
        var (server, federation, transport) = await FederatedServer.StartAsync("receiver.test");
        await using var runningServer = server;
        await using var keys = await KeyEndpoint.StartAsync(Remote, RemoteKey);
        transport.Map(Remote, keys.BaseAddress);
        var alice = await server.RegisterAsync();
        var (status, created) = await server.PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "public_chat" }, alice.AccessToken);
        Assert.Equal(HttpStatusCode.OK, status);
        var roomId = created.GetProperty("room_id").GetString()!;
        var head = (await server.Instance.App.Services.GetRequiredService<IRoomEventWriter>()
            .GetHeadAsync(roomId, CancellationToken.None))!;
        using var client = FederatedServer.Client(federation);

        var join = Build(head.Version, roomId, new PduTemplate(EventTypes.Member, Bob, Bob,
            new JsonObject { ["membership"] = "join" }), head.ForwardExtremities, head.State.Values);
        var joined = await SendAsync(client, "txn1", join);
        var message = Build(head.Version, roomId, new PduTemplate("m.room.message", Bob, null,
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "hello from remote.test" }), [join],
            head.State.SetItem(join.StateEntryKey, join).Values);
        var sent = await SendAsync(client, "txn2", message);

        Assert.Empty(joined.GetProperty("pdus").GetProperty(join.EventId).EnumerateObject());
        Assert.Empty(sent.GetProperty("pdus").GetProperty(message.EventId).EnumerateObject());
        var (_, messages) = await server.GetAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/messages?dir=b&limit=5", alice.AccessToken);
        var latest = messages.GetProperty("chunk")[0];
        Assert.Equal(message.EventId, latest.GetProperty("event_id").GetString());
        Assert.Equal(Bob, latest.GetProperty("sender").GetString());
        var (_, member) = await server.GetAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state/m.room.member/{Uri.EscapeDataString(Bob)}",
            alice.AccessToken);
        Assert.Equal("join", member.GetProperty("membership").GetString());
    }

    [Fact]
    public async Task A_signed_request_from_a_server_ends_our_back_off_for_it_and_an_unsigned_one_does_not()
    {
        var (server, federation, transport) = await FederatedServer.StartAsync("receiver.test");
        await using var runningServer = server;
        await using var keys = await KeyEndpoint.StartAsync(Remote, RemoteKey);
        transport.Map(Remote, keys.BaseAddress);
        var backoff = server.Instance.App.Services.GetRequiredService<DestinationBackoff>();
        var remote = ServerName.Parse(Remote);
        backoff.RecordFailure(remote); // it was down: nothing goes to it for the next ten minutes
        using var client = FederatedServer.Client(federation);
        var body = new JsonObject
        {
            ["origin"] = Remote, ["origin_server_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["pdus"] = new JsonArray(),
        };

        using (var unsigned = await client.PutAsJsonAsync("/_matrix/federation/v1/send/unsigned", body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }

        Assert.NotNull(backoff.StateOf(remote));
        const string uri = "/_matrix/federation/v1/send/signed";
        using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Authorization",
            RequestSigning.Sign(RemoteKey, Remote, "receiver.test", "PUT", uri, body).ToHeaderValue());
        await MatrixAssert.OkAsync(await client.SendAsync(request));

        Assert.Null(backoff.StateOf(remote));
    }

    private static Pdu Build(RoomVersion version, string roomId, PduTemplate template, IReadOnlyList<Pdu> prevEvents,
        IEnumerable<Pdu> state) =>
        PduBuilder.TryBuild(version, roomId, template, prevEvents, new StateMap(state),
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Remote, RemoteKey, out var pdu, out var error)
            ? pdu!
            : throw new InvalidOperationException(error);

    private static async Task<System.Text.Json.JsonElement> SendAsync(HttpClient client, string txnId, Pdu pdu)
    {
        var uri = $"/_matrix/federation/v1/send/{txnId}";
        var body = new JsonObject
        {
            ["origin"] = Remote,
            ["origin_server_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["pdus"] = new JsonArray(pdu.ToJsonObject()),
        };
        using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Authorization",
            RequestSigning.Sign(RemoteKey, Remote, "receiver.test", "PUT", uri, body).ToHeaderValue());
        return await MatrixAssert.OkAsync(await client.SendAsync(request));
    }

    /// <summary>A server's key document (<c>/_matrix/key/v2/server</c>) over plain HTTP on 127.0.0.1.</summary>
    private sealed class KeyEndpoint : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private KeyEndpoint(WebApplication app, Uri baseAddress)
        {
            _app = app;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public static async Task<KeyEndpoint> StartAsync(string serverName, SigningKey key)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.MapGet("/_matrix/key/v2/server", () => Results.Text(ServerKeyDocument.Create(serverName, key, [],
                DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds()).ToJsonString(), "application/json"));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.Single();
            return new KeyEndpoint(app, new Uri(address));
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
