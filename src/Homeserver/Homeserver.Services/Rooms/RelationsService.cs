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

    public sealed record Request(string RoomId, string EventId, string? RelType, string? EventType, string? From,
        string? To, bool Forwards, int? Limit, bool? Recurse);

    public async Task<JsonObject> GetRelationsAsync(Requester requester, Request request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(request);
        if (!await access.CanReadAsync(requester, request.RoomId, cancellationToken) ||
            await reader.GetEventAsync(request.EventId, cancellationToken) is not { } parent ||
            parent.Pdu.RoomId != request.RoomId)
        {
            throw new MatrixException(ErrorCode.NotFound, "Event not found");
        }

        var limit = Math.Clamp(request.Limit ?? DefaultLimit, 1, MaxLimit);
        var from = request.From is null ? (request.Forwards ? 0 : long.MaxValue) : StreamToken.Parse(request.From);
        long? to = request.To is null ? null : StreamToken.Parse(request.To);
        var depth = request.Recurse == true ? RecursionDepth : 1;
        var ignored = await ignoredUsers.GetAsync(requester.UserId, cancellationToken);
        var page = await relations.GetRelationsAsync(new RelationsQuery(request.RoomId, request.EventId, request.RelType,
            request.EventType, from, to, request.Forwards, limit, depth, ignored), cancellationToken);
        var events = await LoadInOrderAsync(page.Select(p => p.EventId).ToList(), cancellationToken);
        var result = new JsonObject { ["chunk"] = await bundles.FormatAsync(events, requester, cancellationToken) };
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

    /// <summary>GET /v1/rooms/{roomId}/threads: roots with their m.thread aggregation, the latest active first.</summary>
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
        await access.RequireCanReadAsync(requester, roomId, ErrorCode.Forbidden, "You cannot read this room",
            cancellationToken);
        var roots = await relations.GetThreadsAsync(roomId, participant, before, pageSize, cancellationToken);
        var events = await LoadInOrderAsync(roots.Select(r => r.RootId).ToList(), cancellationToken);
        var result = new JsonObject { ["chunk"] = await bundles.FormatAsync(events, requester, cancellationToken) };
        if (roots.Count == pageSize)
        {
            result["next_batch"] = StreamToken.Format(roots[^1].LatestStream);
        }

        return result;
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
