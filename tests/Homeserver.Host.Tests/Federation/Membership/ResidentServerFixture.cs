using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation.Keys;
using Homeserver.Services.Rooms;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation.Membership;

/// <summary>
/// One of our servers (<c>resident.test</c>) hosting the rooms, and a pretend server <c>remote.test</c> whose key the
/// resident already holds: the tests complete the resident's templates and sign them with that key, as remote.test
/// would, and call the resident's services directly (HTTP is covered by the cluster test).
/// </summary>
public sealed class ResidentServerFixture : IAsyncLifetime
{
    public const string Remote = "remote.test";

    public static readonly ServerName RemoteServer = ServerName.Parse(Remote);

    private static readonly SigningKey RemoteKey = SigningKey.FromSeed("remote1", Enumerable.Repeat((byte)9, 32).ToArray());

    private static int _users;
    private static long _timestamps;

    public LiveServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await LiveServer.StartAsync(serverName: "resident.test");
        await Get<IRemoteServerKeyStore>().StoreAsync([new StoredServerKey(Remote, RemoteKey.KeyId,
            RemoteKey.KeyPair.PublicKey, long.MaxValue / 2, IsOld: false, "{}", 0)], CancellationToken.None);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public T Get<T>() where T : notnull => Server.Instance.App.Services.GetRequiredService<T>();

    /// <summary>A user of remote.test no other test uses.</summary>
    public static string NewRemoteUser(string prefix = "r") => $"@{prefix}{Interlocked.Increment(ref _users)}:{Remote}";

    /// <summary>The template's event completed and signed as remote.test would (a timestamp no other event of the run has).</summary>
    public static JsonObject SignAsRemote(JsonElement makeResponse, Action<JsonObject>? change = null)
    {
        var version = RoomVersions.TryGet(makeResponse.GetProperty("room_version").GetString(), out var v)
            ? v
            : throw new InvalidOperationException("unknown room version");
        var pdu = JsonNode.Parse(makeResponse.GetProperty("event").GetRawText())!.AsObject();
        pdu["origin"] = Remote;
        pdu["origin_server_ts"] = 1_700_000_000_000 + Interlocked.Increment(ref _timestamps);
        change?.Invoke(pdu);
        return EventSigning.HashAndSign(pdu, Remote, RemoteKey, version);
    }

    public static string EventIdOf(JsonObject pdu, RoomVersion version) =>
        Pdu.TryParse(pdu, version, out var parsed, out var error) ? parsed!.EventId
            : throw new InvalidOperationException(error);

    public static JsonElement Element(JsonNode node) => JsonSerializer.SerializeToElement(node);

    public async Task<RoomHead> HeadAsync(string roomId) =>
        (await Get<IRoomEventWriter>().GetHeadAsync(roomId, CancellationToken.None))!;

    public async Task<string?> MembershipAsync(string roomId, string userId) =>
        (await Get<IRoomEventReader>().GetMembershipAsync(roomId, userId, CancellationToken.None))?.Membership;
}
