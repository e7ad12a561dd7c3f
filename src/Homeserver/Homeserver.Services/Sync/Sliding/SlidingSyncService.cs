using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Push;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Sync.Sliding;

/// <summary>
/// Simplified sliding sync (MSC4186): POST /sync with lists and room subscriptions. Each response's <c>pos</c> is a
/// stored row (<see cref="ISlidingSyncConnectionStore"/>) holding the stream positions and what the connection was sent,
/// so any process continues a connection. A pass reads the positions, the user's rooms (those changed since the
/// user's last pass in this process, <see cref="SlidingRoomCache"/>), sorts and windows
/// the lists, and builds only the rooms matched by a rule that changed since they were last sent; with nothing to send
/// it long-polls on <see cref="SyncNotifier"/> like /sync v2.
/// </summary>
public sealed class SlidingSyncService(ISlidingSyncConnectionStore connections, ISlidingSyncReader rooms,
    SlidingRoomCache roomCache,
    ISyncReader syncReader, SyncNotifier notifier, SyncPositions positions, SyncPassGate gate,
    SlidingRoomBuilder builder, SlidingSyncExtensions extensions, IgnoredUsers ignoredUsers,
    IAccountDataStore accountData, IReceiptStore receipts, IPushActionStore pushActions)
{
    private const int RoomParallelism = 4;
    private const int MaxSubscriptions = 1000;

    public async Task<JsonObject> SyncAsync(Requester requester, SlidingSyncRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(request);
        var (userId, deviceId) = (requester.UserId.Value, requester.DeviceId ?? "");
        string? basedOn = null;
        SyncToken? from = null;
        var state = new SlidingConnectionState();
        if (request.Pos is { } pos)
        {
            var stored = await connections.GetAsync(userId, deviceId, request.ConnId, pos, cancellationToken);
            if (stored is null)
            {
                throw new MatrixException(ErrorCode.UnknownPos, "Unknown or expired pos; start a new connection");
            }

            (basedOn, from, state) = (pos, SyncToken.Parse(stored.StreamToken),
                SlidingConnectionState.Deserialize(stored.State));
        }

        foreach (var roomId in request.UnsubscribeRooms)
        {
            state.Subscriptions.Remove(roomId);
        }

        foreach (var (roomId, json) in request.SubscriptionJson)
        {
            state.Subscriptions[roomId] = json;
        }

        if (state.Subscriptions.Count > MaxSubscriptions)
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"A connection may hold at most {MaxSubscriptions} room subscriptions; unsubscribe some");
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(request.Timeout.TotalSeconds * Stopwatch.Frequency);
        IReadOnlyList<string>? listening = null;
        while (true)
        {
            PassResult pass;
            SyncNotifier.Listener? listener = null;
            using (await gate.EnterAsync(cancellationToken))
            {
                if (from is not null && request.Timeout > TimeSpan.Zero)
                {
                    listening ??= (await syncReader.GetMembershipsAsync(userId, cancellationToken))
                        .Where(m => m.Membership == Memberships.Join).Select(m => m.RoomId).ToList();
                    listener = notifier.Listen(listening.Select(SyncNotifier.RoomKey).Append(SyncNotifier.UserKey(userId)));
                }

                try
                {
                    pass = await PassAsync(requester, request, from, state, cancellationToken);
                }
                catch
                {
                    listener?.Dispose();
                    throw;
                }
            }

            using var waiting = listener;
            listening = pass.JoinedRooms;
            var remaining = TimeSpan.FromSeconds((double)(deadline - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
            if (waiting is null || !pass.Empty || remaining <= TimeSpan.Zero ||
                !await waiting.WaitAsync(remaining, cancellationToken))
            {
                return await FinishAsync(requester, request, basedOn, pass, cancellationToken);
            }
        }
    }

    private async Task<JsonObject> FinishAsync(Requester requester, SlidingSyncRequest request, string? basedOn,
        PassResult pass, CancellationToken cancellationToken)
    {
        var response = pass.Response;
        if (response["extensions"] is JsonObject extensionResults)
        {
            await extensions.CompleteAsync(extensionResults, request, pass.V2, cancellationToken);
        }

        // Nothing new: the same pos serves again (no row written by a poll that timed out).
        var pos = pass.Empty && basedOn is { } same && pass.SubscriptionsUnchanged
            ? same
            : await connections.SaveAsync(requester.UserId.Value, requester.DeviceId ?? "", request.ConnId, basedOn,
                pass.V2.Now.ToString(), pass.State.Serialize(), cancellationToken);
        response["pos"] = pos;
        if (request.TxnId is { } txnId)
        {
            response["txn_id"] = txnId;
        }

        return response;
    }

    private async Task<PassResult> PassAsync(Requester requester, SlidingSyncRequest request, SyncToken? from,
        SlidingConnectionState previous, CancellationToken cancellationToken)
    {
        var userId = requester.UserId.Value;
        var read = await positions.ReadAsync(Stopwatch.GetTimestamp(), cancellationToken);
        var now = from is { } f ? read.Now.Max(f) : read.Now;
        // Encryption and room types cost a lookup per room: read only when a list filters on them.
        var filters = request.Lists.Values.Select(l => l.Filters).ToList();
        var rows = await roomCache.GetAsync(userId, now.Events, filters.Any(f => f.IsEncrypted is not null),
            filters.Any(f => f.RoomTypes is not null || f.NotRoomTypes is not null), from is null, cancellationToken);
        var byId = rows.ToDictionary(r => r.RoomId, StringComparer.Ordinal);
        var direct = await DirectRoomsAsync(requester.UserId, cancellationToken);
        var candidates = SlidingRoomList.Candidates(rows, userId, now.Events, previous.Rooms.ContainsKey);

        // Lists: filter, count, window; each room gets the union of the configs of the rules it matched.
        var configs = new Dictionary<string, SlidingRoomConfig>(StringComparer.Ordinal);
        var listsOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var listResults = new JsonObject();
        foreach (var (key, list) in request.Lists)
        {
            var children = list.Filters.Spaces is { } spaces
                ? await rooms.GetSpaceChildrenAsync(spaces.Where(s => byId.GetValueOrDefault(s)?.Membership ==
                    Memberships.Join).ToList(), cancellationToken)
                : null;
            var filtered = SlidingRoomList.Filter(candidates, list.Filters, direct, children);
            counts[key] = filtered.Count;
            listResults[key] = new JsonObject { ["count"] = filtered.Count };
            foreach (var row in SlidingRoomList.Window(filtered, list.Ranges))
            {
                configs[row.RoomId] = configs.TryGetValue(row.RoomId, out var c) ? c.Union(list.Room) : list.Room;
                (listsOf.TryGetValue(row.RoomId, out var names) ? names : listsOf[row.RoomId] = []).Add(key);
            }
        }

        // Subscriptions: rooms the user is or was in, or is invited to or knocked on (no peeking).
        var subscribed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (roomId, json) in previous.Subscriptions)
        {
            if (byId.GetValueOrDefault(roomId) is { Forgotten: false } row && row.StreamOrdering <= now.Events)
            {
                var config = SlidingSyncRequest.ParseSubscription(json);
                configs[roomId] = configs.TryGetValue(roomId, out var c) ? c.Union(config) : config;
                subscribed.Add(roomId);
            }
        }

        var joinedRelevant = configs.Keys.Where(r => byId[r].Membership == Memberships.Join).ToList();
        var ownReceipts = from is { } since && since.Receipts != now.Receipts && joinedRelevant.Count > 0
            ? (await receipts.GetAsync(joinedRelevant, since.Receipts, now.Receipts, cancellationToken))
                .Where(r => r.UserId == userId).Select(r => r.RoomId).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
        var passContext = new SlidingPass(requester, (requester.DeviceId ?? "") + "\u0000" + request.ConnId, from, now,
            read.SharesReadsFrom(now), await ignoredUsers.GetAsync(requester.UserId, cancellationToken),
            await SyncUnreadCounts.LoadAsync(pushActions, userId, joinedRelevant, cancellationToken), ownReceipts);
        var works = configs.Select(c => new SlidingRoomWork(byId[c.Key], c.Value, previous.Rooms.GetValueOrDefault(c.Key),
            listsOf.TryGetValue(c.Key, out var l) ? l : [], direct.Contains(c.Key))).ToList();
        var built = new (JsonObject? Entry, long SentUpTo)[works.Count];
        using (var parallel = new SemaphoreSlim(RoomParallelism))
        {
            await Task.WhenAll(works.Select(async (work, i) =>
            {
                await parallel.WaitAsync(cancellationToken);
                try
                {
                    built[i] = await builder.BuildAsync(passContext, work, cancellationToken);
                }
                finally
                {
                    parallel.Release();
                }
            }));
        }

        var state = new SlidingConnectionState
        {
            Rooms = new Dictionary<string, SentRoom>(previous.Rooms, StringComparer.Ordinal),
            Subscriptions = previous.Subscriptions,
            ListCounts = counts,
        };
        var roomResults = new JsonObject();
        for (var i = 0; i < works.Count; i++)
        {
            var work = works[i];
            if (built[i].Entry is { } entry)
            {
                roomResults[work.Row.RoomId] = entry;
            }

            if (built[i].Entry is not null || work.Sent is not null)
            {
                state.Rooms[work.Row.RoomId] = new SentRoom(work.Row.Membership, built[i].SentUpTo,
                    work.Config.TimelineLimit, work.Config.RequiredState.Fingerprint());
            }
        }

        var v2 = new SyncRequest(requester, from, now, SyncFilter.None, false)
        {
            MembershipsChangedAt = read.MembershipsChangedAt,
            PositionsReadAt = read.SharesReadsFrom(now),
        };
        var extensionResults = new JsonObject();
        var extensionNews = await extensions.AddAsync(extensionResults, request, v2, works
            .Where(w => w.Row.Membership == Memberships.Join)
            .Select((w, i) => new SlidingExtensionRoom(w.Row.RoomId, w.Lists, subscribed.Contains(w.Row.RoomId),
                w.Initial)).ToList(), cancellationToken);
        var countsChanged = counts.Count != previous.ListCounts.Count ||
                            counts.Any(c => previous.ListCounts.GetValueOrDefault(c.Key, -1) != c.Value);
        var response = new JsonObject
        {
            ["lists"] = listResults,
            ["rooms"] = roomResults,
            ["extensions"] = extensionResults,
        };
        return new PassResult(response, roomResults.Count == 0 && !extensionNews && !countsChanged, state, v2,
            rows.Where(r => r.Membership == Memberships.Join).Select(r => r.RoomId).ToList(),
            request.SubscriptionJson.Count == 0 && request.UnsubscribeRooms.Count == 0);
    }

    /// <summary>The rooms named in the user's <c>m.direct</c> account data.</summary>
    private async Task<IReadOnlySet<string>> DirectRoomsAsync(UserId userId, CancellationToken cancellationToken)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var json = await accountData.GetAsync(userId, null, "m.direct", cancellationToken);
        if (json is null)
        {
            return set;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var user in document.RootElement.EnumerateObject())
                {
                    if (user.Value.ValueKind == JsonValueKind.Array)
                    {
                        set.UnionWith(user.Value.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String)
                            .Select(r => r.GetString()!));
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Stored content that is not JSON names no DMs.
        }

        return set;
    }

    private sealed record PassResult(JsonObject Response, bool Empty, SlidingConnectionState State, SyncRequest V2,
        IReadOnlyList<string> JoinedRooms, bool SubscriptionsUnchanged);
}
