using System.Collections.Concurrent;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Microsoft.Extensions.Logging;
using EventId = Homeserver.Core.Identifiers.EventId;

namespace Homeserver.Services.Federation.Events;

/// <summary>
/// Pulls a room's older history from the other servers in it when a client pages back past the earliest event stored
/// here (a room joined over federation starts at our join): the earliest event's prev events that are not in our
/// timeline are the backward extremities, asked of each other joined server in turn with <c>/backfill</c>; the answer
/// is verified and input oldest first as backfilled events (before the timeline; the oldest on the state the server
/// gives for it), at positions reserved for the batch so the timeline reads in the same order. A room with nothing more to pull is not asked again for a minute.
/// </summary>
public sealed partial class RoomBackfiller(IRoomEventReader reader, IRoomInputStore store,
    IJoinedServersReader servers, RemoteEventFetcher fetcher, RemotePduInput input, IBackfillPositions positions,
    HomeserverSettings settings, TimeProvider time, ILogger<RoomBackfiller> logger) : IRoomBackfill
{
    private const int BatchSize = 50;
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _exhausted = new(StringComparer.Ordinal);

    public async Task<bool> BackfillAsync(string roomId, CancellationToken cancellationToken)
    {
        if (_exhausted.TryGetValue(roomId, out var at) && time.GetUtcNow() - at < QuietPeriod ||
            !RoomId.TryParse(roomId, out var room, out _))
        {
            return false;
        }

        var earliest = await reader.GetRoomEventsAsync(roomId, long.MinValue, forwards: true, limit: 1,
            cancellationToken);
        var extremities = earliest.Count == 0 ? [] : await BackwardExtremitiesAsync(earliest[0].Pdu, cancellationToken);
        if (extremities.Count > 0)
        {
            foreach (var server in await servers.GetJoinedServersAsync(room, cancellationToken))
            {
                if (server != settings.ServerName &&
                    await PullFromAsync(server, room, earliest[0].Pdu.Version, extremities, cancellationToken) > 0)
                {
                    return true;
                }
            }
        }

        _exhausted[roomId] = time.GetUtcNow();
        return false;
    }

    private async Task<List<EventId>> BackwardExtremitiesAsync(Pdu earliest, CancellationToken cancellationToken)
    {
        var stored = await store.GetEventsAsync(earliest.PrevEvents.ToList(), cancellationToken);
        return earliest.PrevEvents.Where(id => !stored.TryGetValue(id, out var e) || e.Outlier)
            .Select(EventId.Parse).ToList();
    }

    private async Task<int> PullFromAsync(ServerName server, RoomId room, RoomVersion version,
        IReadOnlyCollection<EventId> extremities, CancellationToken cancellationToken)
    {
        IReadOnlyList<Pdu> pulled;
        try
        {
            pulled = await fetcher.GetBackfillAsync(server, room, version, extremities, BatchSize, cancellationToken);
        }
        catch (FederationException e)
        {
            LogFailed(logger, server.Value, room.Value, e.Message);
            return 0;
        }

        var added = 0;
        var ordered = pulled.OrderBy(p => p.Depth).ThenBy(p => p.OriginServerTs)
            .ThenBy(p => p.EventId, StringComparer.Ordinal).ToList();
        var reserved = await positions.ReserveAsync(ordered.Count, cancellationToken);
        for (var i = 0; i < ordered.Count; i++)
        {
            try
            {
                var result = await input.InputBackfilledAsync(server, ordered[i], reserved[i], cancellationToken);
                added += result.Status == InputStatus.Accepted ? 1 : 0;
            }
            catch (Exception e) when (e is FederationException or FetchLimitExceededException)
            {
                LogFailed(logger, server.Value, room.Value, e.Message);
            }
        }

        return added;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill of {RoomId} from {Server} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string server, string roomId, string reason);
}
