using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms.Delayed;

/// <summary>
/// Sends delayed events into their rooms as their owner's device: when due (<see cref="SendDueAsync"/>, run by the
/// scheduler of every process; each event is held under a row lock while sent, so it is sent once) or on the
/// <c>send</c> action. A due event that fails (the room refuses it) is finalised as cancelled with the error.
/// </summary>
public sealed class DelayedEventSender(IDelayedEventStore store, MessagingService messaging, IRoomEventReader reader,
    TimeProvider time)
{
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Wake"/>: take it before reading what is due, so no wake-up is lost.</summary>
    public Task NextWake => Volatile.Read(ref _wake).Task;

    /// <summary>Something was scheduled or restarted in this process: the scheduler looks at the due times again.</summary>
    public void Wake() =>
        Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))
            .TrySetResult();

    /// <summary>What can be refused when scheduling, before the delay (power levels are checked when sending).</summary>
    public async Task ValidateAsync(string roomId, string eventType, string? stateKey, CancellationToken cancellationToken)
    {
        if (eventType.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(eventType) > PduFormat.MaxFieldBytes)
        {
            throw new MatrixException(ErrorCode.BadJson, $"An event type is 1 to {PduFormat.MaxFieldBytes} bytes");
        }

        if (stateKey is not null && eventType == EventTypes.Member)
        {
            throw new MatrixException(ErrorCode.BadJson,
                "Use the membership endpoints (join, invite, leave, kick, ban) to change m.room.member");
        }

        if (await reader.GetRoomVersionAsync(roomId, cancellationToken) is null)
        {
            throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        }
    }

    /// <summary>Sends every due event, one at a time; returns when none is left that no other process holds.</summary>
    public async Task SendDueAsync(CancellationToken cancellationToken)
    {
        while (await store.WithNextDueAsync(async delayed =>
               {
                   try
                   {
                       return new DelayedEventOutcome("send", "delay", await SendAsync(delayed, cancellationToken), null);
                   }
                   catch (MatrixException e)
                   {
                       var error = new JsonObject { ["errcode"] = e.Code.Code, ["error"] = e.Message };
                       return new DelayedEventOutcome("cancel", "error", null, error.ToJsonString());
                   }
               }, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
        {
        }
    }

    /// <summary>Sends the event now, as its owner's device; a message is idempotent per delay ID.</summary>
    public async Task<string> SendAsync(DelayedEvent delayed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delayed);
        var requester = new Requester(delayed.UserId, delayed.DeviceId, IsGuest: false, IsAdmin: false, AccessTokenId: null);
        var content = JsonNode.Parse(delayed.Content)!.AsObject();
        if (delayed.StateKey is null)
        {
            return await messaging.SendAsync(requester, delayed.RoomId, delayed.EventType, content,
                "org.matrix.msc4140:" + delayed.DelayId, null, cancellationToken);
        }

        var eventId = await messaging.SetStateAsync(requester, delayed.RoomId, delayed.EventType, delayed.StateKey,
            content, null, cancellationToken);
        await CancelOverwrittenAsync(delayed.UserId, delayed.RoomId, delayed.EventType, delayed.StateKey,
            cancellationToken);
        return eventId;
    }

    /// <summary>Cancels other users' scheduled delayed events for a state entry <paramref name="setBy"/> just set.</summary>
    public Task CancelOverwrittenAsync(UserId setBy, string roomId, string eventType, string stateKey,
        CancellationToken cancellationToken)
    {
        var error = new JsonObject
        {
            ["errcode"] = "M_UNKNOWN",
            ["org.matrix.msc4140.errcode"] = "M_CANCELLED_BY_STATE_UPDATE",
            ["error"] = "The delayed event did not get sent because a different user updated the same state event.",
        };
        return store.CancelOverwrittenAsync(roomId, eventType, stateKey, setBy, error.ToJsonString(),
            time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
    }
}
