using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Events;
using Homeserver.Services.Federation.Keys;
using Homeserver.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Services.Tests.Federation;

public sealed class RemoteEventFetcherTests
{
    private static readonly SigningKey RemoteKey = SigningKey.FromSeed("a1", new byte[32]);

    [Fact]
    public async Task The_create_event_of_a_v12_room_has_no_room_id_and_is_kept_as_the_rooms_own()
    {
        var create = EventSigning.HashAndSign(new JsonObject
        {
            ["type"] = EventTypes.Create,
            ["state_key"] = "",
            ["sender"] = "@alice:localhost",
            ["content"] = new JsonObject { ["room_version"] = "12" },
            ["origin_server_ts"] = 1_700_000_000_000,
            ["depth"] = 1,
            ["prev_events"] = new JsonArray(),
            ["auth_events"] = new JsonArray(),
        }, "localhost", RemoteKey, RoomVersions.V12);
        Assert.True(Pdu.TryParse(create, RoomVersions.V12, out var parsed, out var error), error);
        using var ca = TestCertificates.CreateCa("Fetcher CA");
        await using var server = await LoopbackHttpsServer.StartAsync(TestCertificates.CreateLeaf(ca, "localhost"),
            context => context.Response.WriteAsync(new JsonObject
            {
                ["origin"] = "localhost", ["origin_server_ts"] = 1, ["pdus"] = new JsonArray(create.DeepClone()),
            }.ToJsonString()));
        using var client = new ClientHarness(trustedCa: ca);
        var fetcher = new RemoteEventFetcher(client.Client, new RemotePduVerifier(new Keys()),
            NullLogger<RemoteEventFetcher>.Instance);
        var origin = ServerName.Parse($"localhost:{server.Port}");
        var eventId = EventId.Parse(parsed!.EventId);

        var own = await fetcher.GetEventAsync(origin, RoomId.Parse(parsed.RoomId), RoomVersions.V12, eventId,
            CancellationToken.None);
        var other = await fetcher.GetEventAsync(origin, RoomId.Parse("!" + new string('A', 43)), RoomVersions.V12,
            eventId, CancellationToken.None);

        Assert.Equal(parsed.EventId, own?.EventId);
        Assert.Null(other);
    }

    private sealed class Keys : IServerKeyResolver
    {
        public Task<ServerVerifyKey?> GetVerifyKeyAsync(ServerName server, string keyId, long? validAtTs,
            CancellationToken cancellationToken) =>
            Task.FromResult(keyId == RemoteKey.KeyId
                ? new ServerVerifyKey(keyId, RemoteKey.KeyPair.PublicKey, long.MaxValue, false)
                : null);
    }
}
