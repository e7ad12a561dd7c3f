using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Crypto;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Events;
using Homeserver.Services.Rooms;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Membership;

/// <summary>
/// This server's side of the membership handshakes for rooms it has no joined user in: each server given is tried in
/// turn until one completes the handshake (a refusal or a bad answer moves on to the next); when none does, the last
/// refusal is the client's answer.
/// </summary>
public sealed partial class RemoteMembershipClient(MembershipHandshake handshake, SendJoinAnswer joinAnswer,
    RoomWriter writer, IRoomEventReader reader, FederationClient client, RemotePduVerifier verifier, HomeserverSettings settings,
    SigningKey key, TimeProvider time, ILogger<RemoteMembershipClient> logger) : IRemoteMembership
{
    public Task JoinAsync(UserId user, RoomId roomId, IReadOnlyList<ServerName> servers, JsonObject content,
        CancellationToken cancellationToken) =>
        ThroughServersAsync(Memberships.Join, roomId, servers, async server =>
        {
            var join = await handshake.MakeAsync(server, Memberships.Join, user, roomId, content, cancellationToken);
            var answer = await handshake.SendAsync(server, Memberships.Join, join, cancellationToken);
            var snapshot = await joinAnswer.CheckAsync(answer, join, cancellationToken);
            await writer.JoinFromRemoteAsync(snapshot, server, cancellationToken);
        }, cancellationToken);

    public async Task LeaveAsync(UserId user, RoomId roomId, IReadOnlyList<ServerName> servers, JsonObject content,
        CancellationToken cancellationToken)
    {
        try
        {
            await ThroughServersAsync(Memberships.Leave, roomId, servers, async server =>
            {
                var leave = await handshake.MakeAsync(server, Memberships.Leave, user, roomId, content,
                    cancellationToken);
                await handshake.SendAsync(server, Memberships.Leave, leave, cancellationToken);
                await writer.StoreOutOfBandMembershipAsync(leave, cancellationToken);
            }, cancellationToken);
        }
        catch (MatrixException)
        {
            // No resident took it: the invite or knock is rejected here alone (as Synapse does), so the user is not
            // left with it for good.
            if (!await LocalLeaveAsync(user, roomId, content, cancellationToken))
            {
                throw;
            }
        }
    }

    public Task KnockAsync(UserId user, RoomId roomId, IReadOnlyList<ServerName> servers, JsonObject content,
        CancellationToken cancellationToken) =>
        ThroughServersAsync(Memberships.Knock, roomId, servers, async server =>
        {
            var knock = await handshake.MakeAsync(server, Memberships.Knock, user, roomId, content, cancellationToken);
            var answer = await handshake.SendAsync(server, Memberships.Knock, knock, cancellationToken);
            var roomState = answer["knock_room_state"] as JsonArray ?? answer["knock_state_events"] as JsonArray ??
                            [];
            await writer.StoreOutOfBandMembershipAsync(WithUnsigned(knock, "knock_room_state", roomState),
                cancellationToken);
        }, cancellationToken);

    public async Task<Pdu> InviteAsync(Pdu invite, JsonArray inviteRoomState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invite);
        var invitee = UserId.Parse(invite.StateKey!);
        var body = new JsonObject
        {
            ["event"] = invite.ToJsonObject(),
            ["room_version"] = invite.Version.Id,
            ["invite_room_state"] = inviteRoomState.DeepClone(),
        };
        JsonObject answer;
        try
        {
            var response = await client.SendAsync(HttpMethod.Put, invitee.Domain,
                $"/_matrix/federation/v2/invite/{Uri.EscapeDataString(invite.RoomId)}/" +
                Uri.EscapeDataString(invite.EventId), JsonSerializer.SerializeToUtf8Bytes(body), cancellationToken);
            answer = JsonNode.Parse(response.Body) as JsonObject ?? [];
        }
        catch (FederationException e)
        {
            throw RemoteErrors.ToMatrix(e, "The invite");
        }
        catch (JsonException)
        {
            answer = [];
        }

        if (answer["event"] is not JsonObject returned ||
            await verifier.VerifyAsync(returned, invite.Version, cancellationToken) is not { Pdu: { } signed } ||
            signed.EventId != invite.EventId ||
            !await verifier.HasValidSignatureAsync(signed, invitee.Domain, cancellationToken))
        {
            throw new MatrixException(ErrorCode.Unknown,
                $"{invitee.Domain} did not return the invite signed by it", 502);
        }

        return signed;
    }

    private async Task ThroughServersAsync(string membership, RoomId roomId, IReadOnlyList<ServerName> servers,
        Func<ServerName, Task> attempt, CancellationToken cancellationToken)
    {
        MatrixException? last = null;
        foreach (var server in servers.Distinct().Where(s => s != settings.ServerName))
        {
            try
            {
                await attempt(server);
                return;
            }
            catch (FederationException e)
            {
                LogAttemptFailed(logger, membership, roomId.Value, server.Value, e.Message);
                last = RemoteErrors.ToMatrix(e, $"The {membership}");
            }
            catch (InvalidRemoteAnswerException e)
            {
                LogAttemptFailed(logger, membership, roomId.Value, server.Value, e.Message);
                last = new MatrixException(ErrorCode.Unknown, $"{server} answered the {membership} wrongly: {e.Message}",
                    502);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        throw last ?? new MatrixException(ErrorCode.NotFound, $"No server to {membership} {roomId} through");
    }

    /// <summary>A leave built here on the user's own invite or knock, stored out of band (it reaches no one).</summary>
    private async Task<bool> LocalLeaveAsync(UserId user, RoomId roomId, JsonObject content,
        CancellationToken cancellationToken)
    {
        var membership = await reader.GetMembershipAsync(roomId.Value, user.Value, cancellationToken);
        if (membership is not { Membership: Memberships.Invite or Memberships.Knock } ||
            await reader.GetEventAsync(membership.Value.EventId, cancellationToken) is not { Pdu: var own })
        {
            return false;
        }

        var leaveContent = content.DeepClone().AsObject();
        leaveContent["membership"] = Memberships.Leave;
        if (!PduBuilder.TryBuild(own.Version, roomId.Value,
                new PduTemplate(EventTypes.Member, user.Value, user.Value, leaveContent), [own],
                new StateMap([own]), time.GetUtcNow().ToUnixTimeMilliseconds(), settings.ServerName.Value, key,
                out var leave, out _, RandomLocalPart(own.Version)))
        {
            return false;
        }

        await writer.StoreOutOfBandMembershipAsync(leave!, cancellationToken);
        return true;
    }

    private static string? RandomLocalPart(RoomVersion version) =>
        version.EventIdFormat == EventIdFormat.ServerAssigned
            ? System.Security.Cryptography.RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz", 18)
            : null;

    /// <summary>The event with stripped room state in its <c>unsigned</c> (outside the hashes and the event ID),
    /// where /sync finds it for a room without state here.</summary>
    internal static Pdu WithUnsigned(Pdu pdu, string property, JsonArray strippedState)
    {
        var json = pdu.ToJsonObject();
        var unsigned = json["unsigned"] as JsonObject ?? [];
        unsigned[property] = strippedState.DeepClone();
        json["unsigned"] = unsigned;
        return Pdu.FromTrusted(json.ToJsonString(), pdu.Version, pdu.EventId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Membership} of {RoomId} through {Server} failed: {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, string membership, string roomId, string server,
        string reason);
}
