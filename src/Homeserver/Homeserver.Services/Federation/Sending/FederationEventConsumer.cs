using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Streams;

namespace Homeserver.Services.Federation.Sending;

/// <summary>
/// Reads every persisted event (the durable stream: outliers and backfilled events never reach it) and queues the ones
/// this server authored, not soft-failed, for the servers with joined members in the room, and for a membership
/// change (a kick, ban, rescinded invite) also for the target user's server, which is no longer joined but must learn
/// of it, as Synapse sends to the servers in the room before the event.
/// </summary>
public sealed class FederationEventConsumer(IJoinedServersReader joinedServers, IFederationQueueStore queue,
    FederationSender sender, ServerName origin) : IEventStreamConsumer
{
    public string Name => "federation_sender";

    public async Task HandleAsync(IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var outbound = new List<OutboundPdu>();
        var serversOfRoom = new Dictionary<string, IReadOnlyList<ServerName>>(StringComparer.Ordinal);
        foreach (var streamEvent in events)
        {
            var pdu = streamEvent.Pdu;
            if (streamEvent.SoftFailed || streamEvent.Position <= 0 ||
                !UserId.TryParse(pdu.Sender, out var senderId, out _) || senderId.Domain != origin ||
                !RoomId.TryParse(pdu.RoomId, out var roomId, out _))
            {
                continue;
            }

            if (!serversOfRoom.TryGetValue(pdu.RoomId, out var servers))
            {
                servers = await joinedServers.GetJoinedServersAsync(roomId, cancellationToken);
                serversOfRoom[pdu.RoomId] = servers;
            }

            var destinations = new HashSet<ServerName>(servers);
            if (pdu.Type == EventTypes.Member && pdu.Membership is "leave" or "ban" &&
                UserId.TryParse(pdu.StateKey, out var target, out _))
            {
                destinations.Add(target.Domain);
            }

            destinations.Remove(origin);
            outbound.AddRange(destinations.Select(d => new OutboundPdu(d, streamEvent.Position, pdu.RoomId, pdu.EventId)));
        }

        if (outbound.Count == 0)
        {
            return;
        }

        await queue.EnqueuePdusAsync(outbound, cancellationToken);
        await sender.WakeAsync(outbound.Select(p => p.Destination).Distinct().ToList(), cancellationToken);
    }
}
