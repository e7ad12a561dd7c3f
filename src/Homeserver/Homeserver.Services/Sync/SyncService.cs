using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;
using Homeserver.Services.Push;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Sync;

/// <summary>The query parameters of GET /sync (set_presence aside).</summary>
public sealed record SyncParameters(string? Since, string? Filter, bool FullState, bool UseStateAfter,
    TimeSpan Timeout);

/// <summary>One /sync request once parsed: who, from where, up to which positions, and how.</summary>
public sealed record SyncRequest(Requester Requester, SyncToken? Since, SyncToken Now, SyncFilter Filter,
    bool FullState, bool UseStateAfter = false)
{
    /// <summary>The users the requester ignores, read once for the whole response.</summary>
    public IReadOnlySet<string>? Ignoring { get; init; }

    /// <summary>The user blocks all invites (MSC4380): invites are left out.</summary>
    public bool BlocksInvites { get; init; }

    /// <summary>The event position of the newest membership change in any room, when known (read after
    /// <see cref="Now"/>): nothing about memberships changed after it.</summary>
    public long? MembershipsChangedAt { get; init; }

    /// <summary>A <see cref="System.Diagnostics.Stopwatch"/> timestamp after which every event up to
    /// <see cref="Now"/> was visible, when known: reads started after it may be shared with other syncs.</summary>
    public long? PositionsReadAt { get; init; }
}

/// <summary>
/// GET /sync: initial and incremental, long-polling on <see cref="SyncNotifier"/> until something for the user
/// changes or the timeout passes. Positions are read before the data, so nothing between two syncs is lost, and the
/// next token never goes back from <c>since</c>.
/// </summary>
public sealed class SyncService(ISyncReader store, FilterService filters, SyncNotifier notifier,
    SyncRoomBuilder rooms, IReceiptStore receipts, IEnumerable<ISyncSection> streams, SyncPositions positions,
    IgnoredUsers ignoredUsers, StoredJson stored, InviteBlocking inviteBlocking, IPushActionStore pushActions,
    SyncPassGate gate, ListenedMemberships listened)
{
    private readonly IReadOnlyList<ISyncSection> _streams = streams.ToList();

    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    private const int RoomParallelism = 4;

    /// <summary>The span of one pass (positions read, response built), inside the pass gate.</summary>
    public const string PassSpanName = "sync.pass";

    public async Task<JsonObject> SyncAsync(Requester requester, SyncParameters parameters,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(parameters);
        ServerTelemetry.SyncConnections.Add(1);
        try
        {
            return await PassesAsync(requester, parameters, cancellationToken);
        }
        finally
        {
            ServerTelemetry.SyncConnections.Add(-1);
        }
    }

    /// <summary>Passes until one has something to send, the timeout ends or a wake-up finds nothing either.</summary>
    private async Task<JsonObject> PassesAsync(Requester requester, SyncParameters parameters,
        CancellationToken cancellationToken)
    {
        var from = parameters.Since is null ? (SyncToken?)null : SyncToken.Parse(parameters.Since);
        var syncFilter = await filters.ResolveAsync(requester, parameters.Filter, cancellationToken);
        var userId = requester.UserId.Value;
        var deadline = DateTimeOffset.UtcNow + (parameters.Timeout > MaxTimeout ? MaxTimeout : parameters.Timeout);
        // The memberships the previous pass read (after its positions; the user's previous request's, when its
        // positions cover since) choose what to listen to: a membership change since then is either in this pass's
        // response or wakes the user's key.
        IReadOnlyList<SyncMembership>? known = listened.For(userId, from);
        long readAfter = 0;
        (IReadOnlySet<string> Users, long AccountDataAt)? ignoring = null;
        var blocksInvites = false;
        while (true)
        {
            SyncResponsePass pass;
            SyncNotifier.Listener listener;
            using (await gate.EnterAsync(cancellationToken))
            using (var span = ServerTelemetry.Source.StartActivity(PassSpanName))
            {
                span?.SetTag("homeserver.sync.since", from?.ToString());
                known ??= await store.GetMembershipsAsync(userId, cancellationToken);
                listener = notifier.Listen(known.Where(m => m.Membership == Memberships.Join)
                    .Select(m => SyncNotifier.RoomKey(m.RoomId)).Append(SyncNotifier.UserKey(userId)));
                try
                {
                    var read = await positions.ReadAsync(System.Diagnostics.Stopwatch.GetTimestamp(), cancellationToken);
                    readAfter = read.Now.Events;
                    var now = read.Now;
                    if (from is { } previous)
                    {
                        now = now.Max(previous);
                    }

                    if (ignoring?.AccountDataAt != now.AccountData)
                    {
                        // Read after the positions; while the account data stream stays put, the list cannot have changed.
                        ignoring = (await ignoredUsers.GetAsync(requester.UserId, cancellationToken), now.AccountData);
                        blocksInvites = await inviteBlocking.BlocksAllAsync(requester.UserId, cancellationToken);
                    }

                    var request = new SyncRequest(requester, from, now, syncFilter, parameters.FullState,
                        parameters.UseStateAfter)
                    {
                        Ignoring = ignoring.Value.Users,
                        BlocksInvites = blocksInvites,
                        MembershipsChangedAt = read.MembershipsChangedAt,
                        PositionsReadAt = read.SharesReadsFrom(now),
                    };
                    pass = await BuildAsync(request, cancellationToken);
                }
                catch
                {
                    listener.Dispose();
                    throw;
                }
            }

            using var waiting = listener;
            var (response, empty, context) = pass;
            known = context.Memberships;
            listened.Remember(userId, known, readAfter);
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (from is null || parameters.FullState || !empty || remaining <= TimeSpan.Zero ||
                !await waiting.WaitAsync(remaining, cancellationToken))
            {
                foreach (var section in _streams)
                {
                    await section.CompleteAsync(context, cancellationToken);
                }

                return response;
            }
        }
    }

    private async Task<SyncResponsePass> BuildAsync(
        SyncRequest request, CancellationToken cancellationToken)
    {
        var userId = request.Requester.UserId.Value;
        var since = request.Since;
        var accountData = since?.AccountData == request.Now.AccountData
            ? []
            : await store.GetAccountDataAsync(userId, since?.AccountData ?? 0, request.Now.AccountData,
                cancellationToken);
        var roomAccountData = accountData.Where(a => a.RoomId.Length > 0).ToLookup(a => a.RoomId, StringComparer.Ordinal);
        // In an incremental sync, rooms without events since the token are only looked at for ephemeral events:
        // the memberships come with whether each joined room has any (one query).
        IReadOnlyList<SyncMembership> memberships;
        HashSet<string>? withEvents = null;
        if (since is null || request.FullState)
        {
            memberships = await store.GetMembershipsAsync(userId, cancellationToken);
        }
        else
        {
            var activity = await store.GetMembershipsWithActivityAsync(userId, since.Value.Events, request.Now.Events,
                cancellationToken);
            memberships = activity.Select(a => a.Membership).ToList();
            withEvents = activity.Where(a => a.HasEvents).Select(a => a.Membership.RoomId)
                .ToHashSet(StringComparer.Ordinal);
        }

        if (request.BlocksInvites)
        {
            memberships = memberships.Where(m => m.Membership != Memberships.Invite).ToList();
        }

        var joinedRooms = memberships.Where(m => m.Membership == Memberships.Join).Select(m => m.RoomId).ToList();
        // Receipts since the token; a room joined since then gets all of its receipts (below, per room).
        var receiptChanges = (since?.Receipts == request.Now.Receipts
            ? []
            : await receipts.GetAsync(joinedRooms, since?.Receipts ?? 0, request.Now.Receipts, cancellationToken))
            .ToLookup(r => r.RoomId, StringComparer.Ordinal);
        // Unread counts in one query for the rooms that may be sent: every joined room in an initial sync, else those
        // with events, receipts or account data since the token (others, sent for typing alone, are read one by one).
        var unread = await SyncUnreadCounts.LoadAsync(pushActions, userId, withEvents is null
            ? joinedRooms
            : joinedRooms.Where(r => withEvents.Contains(r) || receiptChanges.Contains(r) || roomAccountData.Contains(r)),
            cancellationToken);
        // Rooms are built a few at a time (each is several queries), then placed in order.
        var entries = new (string Section, JsonObject? Entry)[memberships.Count];
        using (var gate = new SemaphoreSlim(RoomParallelism))
        {
            await Task.WhenAll(memberships.Select(async (m, i) =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    entries[i] = await RoomEntryAsync(request, m, withEvents, roomAccountData, receiptChanges,
                        unread, cancellationToken);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        var sections = new Dictionary<string, JsonObject>(StringComparer.Ordinal)
        {
            ["join"] = [], ["invite"] = [], ["knock"] = [], ["leave"] = [],
        };
        var eventFields = request.Filter.EventFields is { } fields ? new EventFieldSelection(fields) : null;
        for (var i = 0; i < memberships.Count; i++)
        {
            if (entries[i].Entry is { } entry)
            {
                sections[entries[i].Section][memberships[i].RoomId] = SyncRoomEventShape.Apply(entry, eventFields);
            }
        }

        var (join, invite, knock, leave) = (sections["join"], sections["invite"], sections["knock"], sections["leave"]);
        var global = AccountDataEvents(accountData.Where(a => a.RoomId.Length == 0).ToList(), request.Filter.AccountData,
            stored, userId);
        var empty = join.Count == 0 && invite.Count == 0 && knock.Count == 0 && leave.Count == 0 &&
                    global["events"]!.AsArray().Count == 0;
        var response = new JsonObject
        {
            ["next_batch"] = request.Now.ToString(),
            ["rooms"] = new JsonObject
            {
                ["join"] = join,
                ["invite"] = invite,
                ["leave"] = leave,
                ["knock"] = knock,
            },
            ["account_data"] = global,
            ["presence"] = SyncRoomBuilder.Events([]),
            ["to_device"] = SyncRoomBuilder.Events([]),
        };
        var context = new SyncSectionContext(request, memberships, response);
        foreach (var stream in _streams)
        {
            empty &= !await stream.AddToResponseAsync(context, cancellationToken);
        }

        return new SyncResponsePass(response, empty, context);
    }

    /// <summary>The user's entry for one room and the section it goes in (none when nothing is to be sent).</summary>
    private async Task<(string Section, JsonObject? Entry)> RoomEntryAsync(SyncRequest request, SyncMembership m,
        HashSet<string>? withEvents, ILookup<string, AccountDataChange> roomAccountData,
        ILookup<string, Receipt> receiptChanges, SyncUnreadCounts unread, CancellationToken cancellationToken)
    {
        // Memberships are read after the positions: a change past them is left for the next sync.
        var since = request.Since;
        if (m.StreamOrdering > request.Now.Events || !request.Filter.IncludesRoom(m.RoomId))
        {
            return ("join", null);
        }

        var changed = since is null || m.StreamOrdering > since.Value.Events;
        var dataForRoom = roomAccountData[m.RoomId].ToList();
        switch (m.Membership)
        {
            case Memberships.Join:
                var roomReceipts = changed && since is not null
                    ? await receipts.GetAsync([m.RoomId], 0, request.Now.Receipts, cancellationToken)
                    : receiptChanges[m.RoomId].ToList();
                var hasEvents = withEvents is null || withEvents.Contains(m.RoomId);
                return ("join", await rooms.JoinedAsync(request, m, hasEvents, dataForRoom, roomReceipts, unread,
                    cancellationToken));
            case Memberships.Invite when changed:
                return ("invite", await rooms.StrippedAsync(m, "invite_state", cancellationToken));
            case Memberships.Knock when changed:
                return ("knock", await rooms.StrippedAsync(m, "knock_state", cancellationToken));
            case Memberships.Leave or Memberships.Ban when !m.Forgotten &&
                (since is null ? request.Filter.IncludeLeave : changed || (request.FullState && request.Filter.IncludeLeave)):
                return ("leave", await rooms.LeftAsync(request, m, dataForRoom, cancellationToken));
            default:
                return ("join", null);
        }
    }

    /// <summary>
    /// Account data entries of <paramref name="userId"/> as events (<c>type</c> and <c>content</c>) passing the
    /// filter's types; an entry whose stored content cannot be served is left out (<see cref="StoredJson"/>).
    /// </summary>
    internal static JsonObject AccountDataEvents(IReadOnlyList<AccountDataChange> changes, RoomEventFilter filter,
        StoredJson stored, string userId)
    {
        var list = new JsonArray();
        foreach (var change in changes)
        {
            if (filter.NotTypes.Any(t => RoomEventFilter.TypeMatches(t, change.Type)) ||
                (filter.Types is not null && !filter.Types.Any(t => RoomEventFilter.TypeMatches(t, change.Type))))
            {
                continue;
            }

            if (stored.ParseObject(change.Content, "account data", change.Type, userId) is { } content)
            {
                list.Add(new JsonObject { ["type"] = change.Type, ["content"] = content });
            }
        }

        return SyncRoomBuilder.Events(list);
    }
}

/// <summary>One pass's response, whether it holds nothing new, and what its sections need to complete it.</summary>
internal readonly record struct SyncResponsePass(JsonObject Response, bool Empty, SyncSectionContext Context);
