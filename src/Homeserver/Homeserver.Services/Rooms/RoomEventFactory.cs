using System.Security.Cryptography;
using Homeserver.Core.Auth;
using Homeserver.Core.Crypto;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Builds this server's new events on a room head (graph, hashes, signature) and runs the auth rules
/// against the state before them: what comes out is allowed; anything else is a <see cref="MatrixException"/>.
/// </summary>
public sealed class RoomEventFactory(HomeserverSettings settings, SigningKey signingKey, TimeProvider time)
{
    private long _lastCreateTs;

    /// <param name="originServerTs">The event's timestamp; now when null (an appservice's <c>?ts=</c> sets it).</param>
    public Pdu Build(RoomHead head, PduTemplate template, long? originServerTs = null)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(template);
        var pdu = BuildUnchecked(head.Version, head.RoomId, template, head.ForwardExtremities, head.RoomState,
            originServerTs ?? time.GetUtcNow().ToUnixTimeMilliseconds());
        var result = EventAuthorizer.Authorize(pdu, head.RoomState);
        return result.IsAllowed ? pdu : throw new MatrixException(ErrorCode.Forbidden, result.Reason);
    }

    /// <summary>
    /// The create event of a new room (its room ID is derived from it from version 12 on). Create events built here
    /// get strictly increasing timestamps, so two identical createRoom requests in one millisecond still make two
    /// rooms.
    /// </summary>
    public Pdu BuildCreate(RoomVersion version, PduTemplate template)
    {
        ArgumentNullException.ThrowIfNull(version);
        var roomId = version.RoomIdIsCreateEventId
            ? null
            : "!" + RandomNumberGenerator.GetString(IdAlphabet, 18) + ":" + settings.ServerName.Value;
        var pdu = BuildUnchecked(version, roomId, template, [], new StateMap(), NextCreateTimestamp());
        var result = EventAuthorizer.Authorize(pdu, new StateMap());
        return result.IsAllowed ? pdu : throw new MatrixException(ErrorCode.BadJson, result.Reason);
    }

    private long NextCreateTimestamp()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        while (true)
        {
            var last = Interlocked.Read(ref _lastCreateTs);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _lastCreateTs, next, last) == last)
            {
                return next;
            }
        }
    }

    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private Pdu BuildUnchecked(RoomVersion version, string? roomId, PduTemplate template, IReadOnlyList<Pdu> prevEvents,
        IRoomState state, long timestamp)
    {
        var localPart = version.EventIdFormat == EventIdFormat.ServerAssigned
            ? RandomNumberGenerator.GetString(IdAlphabet, 18)
            : null;
        if (PduBuilder.TryBuild(version, roomId, template, prevEvents, state, timestamp,
                settings.ServerName.Value, signingKey, out var pdu, out var error, localPart))
        {
            return pdu!;
        }

        throw error.Contains($"more than {PduFormat.MaxEventBytes}", StringComparison.Ordinal)
            ? new MatrixException(ErrorCode.TooLarge, "Event too large: " + error)
            : new MatrixException(ErrorCode.BadJson, "Invalid event: " + error);
    }
}
