using System.Text.Json.Nodes;
using Homeserver.Core.AppServices;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.AppServices.Push;

/// <summary>
/// Queues ephemeral events for the appservices that asked for them (<c>receive_ephemeral</c>, MSC2409) and device list
/// changes for those that asked for MSC3202, told by the process where the change happened, after it happened:
/// typing and receipts of rooms an appservice is interested in, presence of its users and of users sharing a room with
/// them, device changes of the same users. A failure to queue is logged and does not fail the change itself.
/// </summary>
public sealed partial class AppServiceEphemeralPush(AppServiceRegistry registry, IAppServiceRoomFactsReader rooms,
    IRoomEventReader roomReader, IAppServiceQueueStore queue, AppServiceSender sender,
    ILogger<AppServiceEphemeralPush> logger) : IDeviceListObserver
{
    private readonly AppServiceRegistration[] _ephemeral =
        registry.All.Where(r => r.Url is not null && r.ReceiveEphemeral).ToArray();

    private readonly AppServiceRegistration[] _deviceLists =
        registry.All.Where(r => r.Url is not null && r.DeviceMasquerading).ToArray();

    /// <summary>The room's typing changed: <paramref name="typingEvent"/> is its m.typing event (everyone typing).</summary>
    public Task OnTypingAsync(string roomId, JsonObject typingEvent, CancellationToken cancellationToken) =>
        ToRoomAsync(roomId, typingEvent, cancellationToken);

    /// <summary>A public read receipt was stored.</summary>
    public Task OnReceiptAsync(string roomId, string userId, string eventId, string threadId, long ts,
        CancellationToken cancellationToken)
    {
        var data = new JsonObject { ["ts"] = ts };
        if (threadId.Length > 0)
        {
            data["thread_id"] = threadId;
        }

        var receipt = new JsonObject
        {
            ["type"] = "m.receipt",
            ["content"] = new JsonObject
            {
                [eventId] = new JsonObject { ["m.read"] = new JsonObject { [userId] = data } },
            },
        };
        return ToRoomAsync(roomId, receipt, cancellationToken);
    }

    /// <summary>A user's presence changed: <paramref name="presenceEvent"/> is its m.presence event.</summary>
    public async Task OnPresenceAsync(string userId, JsonObject presenceEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(presenceEvent);
        if (_ephemeral.Length == 0)
        {
            return;
        }

        await GuardAsync(async () =>
        {
            var targets = await InterestedInUserAsync(_ephemeral, userId, cancellationToken);
            await EnqueueAsync(targets, AppServiceItemKinds.Ephemeral, presenceEvent.ToJsonString(), cancellationToken);
        });
    }

    /// <summary>MSC3202: a user's devices changed.</summary>
    public async Task OnDevicesChangedAsync(UserId userId, CancellationToken cancellationToken)
    {
        if (_deviceLists.Length == 0)
        {
            return;
        }

        await GuardAsync(async () =>
        {
            var targets = await InterestedInUserAsync(_deviceLists, userId.Value, cancellationToken);
            await EnqueueAsync(targets, AppServiceItemKinds.DeviceListChanged, userId.Value, cancellationToken);
        });
    }

    private async Task ToRoomAsync(string roomId, JsonObject ephemeralEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ephemeralEvent);
        if (_ephemeral.Length == 0)
        {
            return;
        }

        await GuardAsync(async () =>
        {
            var facts = (await rooms.GetAsync([roomId], cancellationToken)).GetValueOrDefault(roomId);
            var targets = _ephemeral.Where(r => IsInterestedInRoom(r, roomId, facts)).ToList();
            var withRoom = ephemeralEvent.DeepClone().AsObject();
            withRoom["room_id"] = roomId;
            await EnqueueAsync(targets, AppServiceItemKinds.Ephemeral, withRoom.ToJsonString(), cancellationToken);
        });
    }

    /// <summary>Appservices whose users namespace has the user or one of its joined members' rooms' users.</summary>
    private async Task<List<AppServiceRegistration>> InterestedInUserAsync(AppServiceRegistration[] candidates,
        string userId, CancellationToken cancellationToken)
    {
        var targets = candidates.Where(r => r.IsInterestedInUser(userId)).ToList();
        if (targets.Count == candidates.Length)
        {
            return targets;
        }

        var joined = await roomReader.GetJoinedRoomsAsync(userId, cancellationToken);
        var facts = await rooms.GetAsync(joined, cancellationToken);
        targets.AddRange(candidates.Where(r => !targets.Contains(r) &&
            facts.Values.Any(f => f.JoinedMembers.Any(r.IsInterestedInUser))));
        return targets;
    }

    private static bool IsInterestedInRoom(AppServiceRegistration appService, string roomId, AppServiceRoomFacts? facts) =>
        appService.IsInterestedInRoom(roomId) ||
        (facts is not null && (facts.Aliases.Any(appService.IsInterestedInAlias) ||
                               facts.JoinedMembers.Any(appService.IsInterestedInUser)));

    private async Task EnqueueAsync(List<AppServiceRegistration> targets, string kind, string content,
        CancellationToken cancellationToken)
    {
        if (targets.Count == 0)
        {
            return;
        }

        var ids = targets.Select(t => t.Id).ToList();
        await queue.EnqueueAsync(ids, kind, content, cancellationToken);
        await sender.WakeAsync(ids, cancellationToken);
    }

    private async Task GuardAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
#pragma warning disable CA1031 // ephemeral pushes are best effort: the change itself already happened
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogQueueFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue an ephemeral event for appservices")]
    private static partial void LogQueueFailed(ILogger logger, Exception exception);
}
