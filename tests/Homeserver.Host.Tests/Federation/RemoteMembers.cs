using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// Puts another server's user into a room of a test server without a federation handshake: their join event is built
/// on the room's head, signed with a throwaway key of their server, and input as that server's event (input trusts
/// its caller to have checked signatures).
/// </summary>
internal static class RemoteMembers
{
    private static readonly SigningKey Key = SigningKey.FromSeed("remote", Enumerable.Repeat((byte)9, 32).ToArray());

    public static async Task JoinAsync(LiveServer server, string roomId, string userId)
    {
        var services = server.Instance.App.Services;
        var head = (await services.GetRequiredService<IRoomEventWriter>().GetHeadAsync(roomId, CancellationToken.None))!;
        var origin = UserId.Parse(userId).Domain;
        Assert.True(PduBuilder.TryBuild(head.Version, roomId,
            new PduTemplate(EventTypes.Member, userId, userId, new JsonObject { ["membership"] = "join" }),
            head.ForwardExtremities, head.RoomState, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), origin.Value, Key,
            out var join, out var error), error);
        var result = await services.GetRequiredService<RoomWriter>()
            .InputAsync(new InputEvent(join!, InputKind.New, origin), CancellationToken.None);
        Assert.Equal(InputStatus.Accepted, result.Status);
    }
}
