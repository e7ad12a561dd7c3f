using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Sync.Sliding;

/// <summary>The rooms of one response the room-scoped extensions may cover: each joined room matched by a list or a
/// subscription, the lists it matched, whether it was subscribed, and whether it was sent afresh.</summary>
public sealed record SlidingExtensionRoom(string RoomId, IReadOnlyList<string> Lists, bool Subscribed, bool Initial);

/// <summary>
/// The extensions of sliding sync Element X uses, each from the /sync v2 block that serves it: <c>to_device</c>
/// (MSC3885, <see cref="SyncStreamKind.ToDevice"/> section with the extension's own <c>since</c>), <c>e2ee</c>
/// (MSC3884: device lists since <c>pos</c>, key counts), <c>account_data</c> (MSC3959), <c>receipts</c> (MSC3960),
/// <c>typing</c> (MSC3961).
/// </summary>
public sealed class SlidingSyncExtensions(IEnumerable<ISyncSection> sections, ISyncReader store, IReceiptStore receipts,
    TypingService typing, StoredJson stored)
{
    private readonly ISyncSection? _toDevice = sections.FirstOrDefault(s => s.Kind == SyncStreamKind.ToDevice);
    private readonly ISyncSection? _deviceLists = sections.FirstOrDefault(s => s.Kind == SyncStreamKind.DeviceLists);

    /// <summary>Fills <paramref name="result"/> with the enabled extensions.</summary>
    /// <returns>True when one of them carries something new (the long poll returns).</returns>
    public async Task<bool> AddAsync(JsonObject result, SlidingSyncRequest request, SyncRequest v2,
        IReadOnlyList<SlidingExtensionRoom> rooms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(v2);
        var news = false;
        if (request.Extension("to_device").Enabled && _toDevice is not null)
        {
            news |= await ToDeviceAsync(result, request.Extension("to_device").Since, v2, cancellationToken);
        }

        if (request.Extension("e2ee").Enabled && _deviceLists is not null)
        {
            var scratch = new JsonObject { ["next_batch"] = v2.Now.ToString() };
            news |= await _deviceLists.AddToResponseAsync(new SyncSectionContext(v2, [], scratch), cancellationToken);
            result["e2ee"] = new JsonObject { ["device_lists"] = scratch["device_lists"]!.DeepClone() };
        }

        if (request.Extension("account_data") is { Enabled: true } accountData)
        {
            news |= await AccountDataAsync(result, v2, InScope(rooms, accountData), cancellationToken);
        }

        if (request.Extension("receipts") is { Enabled: true } receiptConfig)
        {
            news |= await ReceiptsAsync(result, v2, InScope(rooms, receiptConfig), cancellationToken);
        }

        if (request.Extension("typing") is { Enabled: true } typingConfig)
        {
            var typingRooms = new JsonObject();
            foreach (var room in InScope(rooms, typingConfig))
            {
                if (typing.TypingEventSince(room.RoomId, room.Initial ? null : v2.Since?.Typing) is { } typingEvent)
                {
                    typingRooms[room.RoomId] = typingEvent;
                }
            }

            result["typing"] = new JsonObject { ["rooms"] = typingRooms };
            news |= typingRooms.Count > 0;
        }

        return news;
    }

    /// <summary>The fields that never make a response on their own (one-time key counts), added once it is sent.</summary>
    public async Task CompleteAsync(JsonObject result, SlidingSyncRequest request, SyncRequest v2,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Extension("e2ee").Enabled && _deviceLists is not null && result["e2ee"] is JsonObject e2ee)
        {
            var scratch = new JsonObject();
            await _deviceLists.CompleteAsync(new SyncSectionContext(v2, [], scratch), cancellationToken);
            foreach (var field in new[] { "device_one_time_keys_count", "device_unused_fallback_key_types" })
            {
                e2ee[field] = scratch[field]?.DeepClone();
            }
        }
    }

    private async Task<bool> ToDeviceAsync(JsonObject result, string? since, SyncRequest v2,
        CancellationToken cancellationToken)
    {
        long? from = since is null ? null
            : long.TryParse(since, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position
            : throw new MatrixException(ErrorCode.InvalidParam, "to_device.since is not a position this server gave");
        var scratch = new JsonObject { ["next_batch"] = v2.Now.ToString() };
        var request = v2 with { Since = from is { } f ? SyncToken.Zero.With(SyncStreamKind.ToDevice, f) : null };
        var news = await _toDevice!.AddToResponseAsync(new SyncSectionContext(request, [], scratch), cancellationToken);
        var next = SyncToken.Parse(scratch["next_batch"]!.GetValue<string>()).ToDevice;
        result["to_device"] = new JsonObject
        {
            ["next_batch"] = Math.Max(next, from ?? 0).ToString(CultureInfo.InvariantCulture),
            ["events"] = scratch["to_device"]!["events"]!.DeepClone(),
        };
        return news;
    }

    private async Task<bool> AccountDataAsync(JsonObject result, SyncRequest v2, List<SlidingExtensionRoom> rooms,
        CancellationToken cancellationToken)
    {
        var userId = v2.Requester.UserId.Value;
        var since = v2.Since?.AccountData ?? 0;
        var changes = since == v2.Now.AccountData ? []
            : await store.GetAccountDataAsync(userId, since, v2.Now.AccountData, cancellationToken);
        // A room sent afresh in an incremental response gets all of its account data, not only what changed.
        var fresh = rooms.Where(r => r.Initial).Select(r => r.RoomId).ToHashSet(StringComparer.Ordinal);
        var all = since > 0 && fresh.Count > 0
            ? await store.GetAccountDataAsync(userId, 0, v2.Now.AccountData, cancellationToken)
            : changes;
        var global = SyncService.AccountDataEvents(changes.Where(c => c.RoomId.Length == 0).ToList(),
            RoomEventFilter.None, stored, userId)["events"]!.AsArray();
        var byRoom = new JsonObject();
        foreach (var room in rooms)
        {
            var source = fresh.Contains(room.RoomId) ? all : changes;
            var events = SyncService.AccountDataEvents(source.Where(c => c.RoomId == room.RoomId).ToList(),
                RoomEventFilter.None, stored, userId)["events"]!.AsArray();
            if (events.Count > 0)
            {
                byRoom[room.RoomId] = events.DeepClone();
            }
        }

        result["account_data"] = new JsonObject { ["global"] = global.DeepClone(), ["rooms"] = byRoom };
        return global.Count > 0 || byRoom.Count > 0;
    }

    private async Task<bool> ReceiptsAsync(JsonObject result, SyncRequest v2, List<SlidingExtensionRoom> rooms,
        CancellationToken cancellationToken)
    {
        var since = v2.Since?.Receipts ?? 0;
        var changed = since == v2.Now.Receipts || rooms.Count == 0 ? []
            : await receipts.GetAsync(rooms.Select(r => r.RoomId).ToList(), since, v2.Now.Receipts, cancellationToken);
        var fresh = rooms.Where(r => r.Initial).Select(r => r.RoomId).ToList();
        var all = since > 0 && fresh.Count > 0
            ? await receipts.GetAsync(fresh, 0, v2.Now.Receipts, cancellationToken)
            : [];
        var byRoom = changed.Where(r => !fresh.Contains(r.RoomId) || since == 0).Concat(all)
            .ToLookup(r => r.RoomId, StringComparer.Ordinal);
        var content = new JsonObject();
        foreach (var room in rooms)
        {
            if (ReceiptService.ReceiptEvent(byRoom[room.RoomId], v2.Requester.UserId.Value) is { } receiptEvent)
            {
                content[room.RoomId] = receiptEvent;
            }
        }

        result["receipts"] = new JsonObject { ["rooms"] = content };
        return content.Count > 0;
    }

    /// <summary>The rooms an extension covers: its <c>lists</c> and <c>rooms</c> (subscriptions), all when absent or
    /// <c>*</c>.</summary>
    private static List<SlidingExtensionRoom> InScope(IReadOnlyList<SlidingExtensionRoom> rooms,
        SlidingExtensionConfig config) =>
        rooms.Where(r =>
            r.Lists.Any(l => config.Lists is null || config.Lists.Contains("*") || config.Lists.Contains(l)) ||
            (r.Subscribed && (config.Rooms is null || config.Rooms.Contains("*") || config.Rooms.Contains(r.RoomId))))
            .ToList();
}
