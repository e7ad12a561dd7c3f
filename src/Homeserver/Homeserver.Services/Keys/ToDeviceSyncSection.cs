using System.Text.Json.Nodes;
using Homeserver.Services.Shared;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Keys;

/// <summary>
/// <c>to_device</c> in /sync: the syncing device's messages after the token's to-device position, oldest first and
/// at most <see cref="Limit"/>. Syncing with a token acknowledges (deletes) the messages up to its position, so each
/// message reaches its device exactly once, and a retry with the same token gets the same messages again. When more
/// wait than fit, <c>next_batch</c> stops at the last message given, and the next sync returns the rest at once.
/// </summary>
public sealed class ToDeviceSyncSection(IToDeviceStore store, StoredJson stored) : ISyncSection
{
    public const int Limit = 100;
    private const int MaxRemembered = 100_000;

    // The position each device last acknowledged through this process: a sync whose token acknowledges nothing
    // new and whose stream did not move needs no database work (most syncs, woken by room events).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string UserId, string DeviceId), long> _acknowledged = new();

    public SyncStreamKind Kind => SyncStreamKind.ToDevice;

    public async Task<bool> AddToResponseAsync(SyncSectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (request.Requester.DeviceId is not { } deviceId)
        {
            // An appservice syncing without a device has no inbox.
            context.Response["to_device"] = new JsonObject { ["events"] = new JsonArray() };
            return false;
        }

        var device = (request.Requester.UserId.Value, deviceId);
        if (request.Since is { } since && since.ToDevice == request.Now.ToDevice &&
            _acknowledged.TryGetValue(device, out var acknowledged) && acknowledged == since.ToDevice)
        {
            context.Response["to_device"] = new JsonObject { ["events"] = new JsonArray() };
            return false;
        }

        var messages = await store.AcknowledgeAndReadAsync(request.Requester.UserId.Value, deviceId,
            request.Since?.ToDevice ?? 0, request.Now.ToDevice, Limit + 1, cancellationToken);
        var delivered = messages.Take(Limit).ToList();
        if (_acknowledged.Count >= MaxRemembered)
        {
            _acknowledged.Clear();
        }

        _acknowledged[device] = request.Since?.ToDevice ?? 0;
        if (messages.Count > Limit)
        {
            var next = SyncToken.Parse(context.Response["next_batch"]!.GetValue<string>());
            context.Response["next_batch"] = next.With(SyncStreamKind.ToDevice, delivered[^1].StreamId).ToString();
        }

        var events = new JsonArray();
        foreach (var message in delivered)
        {
            // One that cannot be served is left out, and acknowledged with the rest by the next sync.
            if (stored.ParseObject(message.Content, "to-device message", message.Type,
                    request.Requester.UserId.Value) is { } content)
            {
                events.Add(new JsonObject { ["sender"] = message.Sender, ["type"] = message.Type, ["content"] = content });
            }
        }

        context.Response["to_device"] = new JsonObject { ["events"] = events };
        return delivered.Count > 0;
    }
}
