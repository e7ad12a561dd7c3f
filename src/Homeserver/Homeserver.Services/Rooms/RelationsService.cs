using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>GET /rooms/{roomId}/relations/... and /rooms/{roomId}/threads.</summary>
public sealed class RelationsService(IRelationsReader relations, IRoomEventReader reader, RoomAccess access,
    IgnoredUsers ignoredUsers, BundledAggregations bundles)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    /// <summary>How far <c>recurse=true</c> follows relations of relations (the spec asks for at least 3).</summary>
    public const int RecursionDepth = 3;

    // A /threads page stops after this many reads even when few roots were visible; next_batch goes on from there.
    private const int MaxThreadBatches = 5;

    public sealed record Request(string RoomId, string EventId, string? RelType, string? EventType, string? From,
        string? To, bool Forwards, int? Limit, bool? Recurse);

    /// <summary>The children the requester may see of an event they may see (M_NOT_FOUND otherwise); a page may hold
    /// fewer than the limit when some children are hidden, and <c>next_batch</c> goes on from the last one read.</summary>
    public async Task<JsonObject> GetRelationsAsync(Requester requester, Request request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(request);
        var room = await ReaderOrNotFoundAsync(requester, request.RoomId, cancellationToken);
        if (await reader.GetEventAsync(request.EventId, cancellationToken) is not { } parent ||
            parent.Pdu.RoomId != request.RoomId ||
            (await access.FilterVisibleAsync(room, [parent], cancellationToken)).Count == 0)
        {
            throw new MatrixException(ErrorCode.NotFound, "Event not found");
        }

        var limit = Math.Clamp(request.Limit ?? DefaultLimit, 1, MaxLimit);
        var from = request.From is null ? (request.Forwards ? 0 : long.MaxValue) : StreamToken.Parse(request.From);
        long? to = request.To is null ? null : StreamToken.Parse(request.To);
        var depth = request.Recurse == true ? RecursionDepth : 1;
        var page = await relations.GetRelationsAsync(new RelationsQuery(request.RoomId, request.EventId, request.RelType,
            request.EventType, from, to, request.Forwards, limit, depth, room.Ignoring!), cancellationToken);
        var events = await access.FilterVisibleAsync(room,
            await LoadInOrderAsync(page.Select(p => p.EventId).ToList(), cancellationToken), cancellationToken);
        var result = new JsonObject { ["chunk"] = await bundles.FormatAsync(events, room, requester, cancellationToken) };
        if (page.Count == limit)
        {
            result["next_batch"] = StreamToken.Format(page[^1].StreamOrdering);
        }

        if (request.From is not null)
        {
            result["prev_batch"] = request.From;
        }

        if (request.Recurse is not null)
        {
            result["recursion_depth"] = depth;
        }

        return result;
    }

    /// <summary>
    /// GET /v1/rooms/{roomId}/threads: roots the requester may see with their m.thread aggregation, the latest active
    /// first. Hidden roots are skipped and further roots read (a bounded number of times) to fill the page.
    /// </summary>
    public async Task<JsonObject> GetThreadsAsync(Requester requester, string roomId, string? include, string? from,
        int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var participant = include switch
        {
            null or "all" => null,
            "participated" => requester.UserId.Value,
            _ => throw new MatrixException(ErrorCode.InvalidParam, "include must be all or participated"),
        };
        var before = from is null ? long.MaxValue : StreamToken.Parse(from);
        var pageSize = Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);
        var room = await access.RequireReaderAsync(requester, roomId, cancellationToken);
        room = room with { Ignoring = await ignoredUsers.GetAsync(requester.UserId, cancellationToken) };
        var shown = new List<StoredEvent>();
        var position = before;
        var exhausted = false;
        for (var batch = 0; batch < MaxThreadBatches && shown.Count < pageSize && !exhausted; batch++)
        {
            var roots = await relations.GetThreadsAsync(roomId, participant, position, pageSize, cancellationToken);
            exhausted = roots.Count < pageSize;
            var visible = (await access.FilterVisibleAsync(room,
                    await LoadInOrderAsync(roots.Select(r => r.RootId).ToList(), cancellationToken), cancellationToken))
                .ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
            foreach (var (rootId, latest) in roots)
            {
                if (shown.Count == pageSize)
                {
                    exhausted = false;
                    break;
                }

                position = latest;
                if (visible.TryGetValue(rootId, out var root))
                {
                    shown.Add(root);
                }
            }
        }

        var result = new JsonObject { ["chunk"] = await bundles.FormatAsync(shown, room, requester, cancellationToken) };
        if (!exhausted)
        {
            result["next_batch"] = StreamToken.Format(position);
        }

        return result;
    }

    private async Task<RoomReader> ReaderOrNotFoundAsync(Requester requester, string roomId,
        CancellationToken cancellationToken)
    {
        try
        {
            var room = await access.RequireReaderAsync(requester, roomId, cancellationToken);
            return room with { Ignoring = await ignoredUsers.GetAsync(requester.UserId, cancellationToken) };
        }
        catch (MatrixException e) when (e.Code == ErrorCode.Forbidden)
        {
            throw new MatrixException(ErrorCode.NotFound, "Event not found");
        }
    }

    private async Task<IReadOnlyList<StoredEvent>> LoadInOrderAsync(List<string> ids,
        CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var loaded = (await reader.GetEventsAsync(ids, cancellationToken))
            .ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
        return ids.Where(loaded.ContainsKey).Select(id => loaded[id]).ToList();
    }
}
