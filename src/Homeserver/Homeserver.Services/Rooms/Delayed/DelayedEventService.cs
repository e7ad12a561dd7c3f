using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Rooms.Delayed;

/// <summary>
/// Delayed events (MSC4140, unstable <c>org.matrix.msc4140</c>): scheduling through <c>/send</c> and <c>/state</c>
/// with <c>?org.matrix.msc4140.delay=</c>, listing, and the cancel / restart / send actions. The event is sent by
/// <see cref="DelayedEventSender"/> when due, with the power levels of that moment.
/// </summary>
public sealed class DelayedEventService(IDelayedEventStore store, DelayedEventSender sender, HomeserverSettings settings,
    TimeProvider time)
{
    public const string DelayParameter = "org.matrix.msc4140.delay";

    private readonly long _maxDelayMs = (long)settings.DelayedEvents.MaxDelay.TotalMilliseconds;

    /// <summary>Parses the delay query parameter: a whole positive number of milliseconds up to the maximum.</summary>
    public long ParseDelay(string text)
    {
        if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                out var delay) || delay <= 0)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"'{DelayParameter}' must be a positive whole number of ms");
        }

        if (delay > _maxDelayMs)
        {
            throw new MatrixException(new ErrorCode("ORG.MATRIX.MSC4140_MAX_DELAY_EXCEEDED", 400),
                "The requested delay exceeds the allowed maximum.",
                extraFields: new Dictionary<string, object?> { ["org.matrix.msc4140.max_delay"] = _maxDelayMs });
        }

        return delay;
    }

    /// <param name="stateKey">Null for a message event.</param>
    /// <param name="txnId">The client's transaction ID (state events have none: each PUT schedules anew).</param>
    public async Task<string> ScheduleAsync(Requester requester, string roomId, string eventType, string? stateKey,
        JsonObject content, long delayMs, string? txnId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(content);
        await sender.ValidateAsync(roomId, eventType, stateKey, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var delayId = NewDelayId();
        var delayed = new DelayedEvent(delayId, requester.UserId, requester.RequireDevice("schedule delayed events"), roomId, eventType, stateKey,
            content.ToJsonString(), delayMs, now, now + delayMs, null, null, null, null, null);
        var stored = await store.ScheduleAsync(delayed, txnId ?? "state:" + delayId, cancellationToken);
        sender.Wake();
        return stored;
    }

    /// <summary>The requester's delayed events, scheduled and finalised, in order of their send time.</summary>
    /// <param name="status">"scheduled", "finalised" or null for both.</param>
    public async Task<JsonObject> ListAsync(Requester requester, string? status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        bool? scheduled = status switch
        {
            null => null,
            "scheduled" => true,
            "finalised" => false,
            _ => throw new MatrixException(ErrorCode.InvalidParam, "'status' must be 'scheduled' or 'finalised'"),
        };
        var events = await store.ListAsync(requester.UserId, scheduled, cancellationToken);
        return new JsonObject
        {
            ["delayed_events"] = new JsonArray(events.Select(e => (JsonNode?)DelayedEventJson.Of(e)).ToArray()),
        };
    }

    /// <summary>POST .../delayed_events/{delay_id}[/{action}]: cancel, restart or send.</summary>
    public async Task ActAsync(string delayId, string action, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case "cancel":
                await FinaliseAsync(delayId, "cancel", cancellationToken);
                break;
            case "send":
                await FinaliseAsync(delayId, "send", cancellationToken);
                break;
            case "restart":
                if (!await store.RestartAsync(delayId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
                {
                    _ = await store.GetAsync(delayId, cancellationToken) ?? throw NotFound();
                    throw Conflict("The delayed event is no longer scheduled");
                }

                sender.Wake();
                break;
            default:
                throw new MatrixException(ErrorCode.InvalidParam, "'action' must be one of cancel, restart, send");
        }
    }

    /// <summary>Someone set a state entry: scheduled delayed events of other users for it are cancelled (MSC4140).</summary>
    public Task OnStateSetAsync(Requester requester, string roomId, string eventType, string stateKey,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        return sender.CancelOverwrittenAsync(requester.UserId, roomId, eventType, stateKey, cancellationToken);
    }

    private async Task FinaliseAsync(string delayId, string wanted, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var done = await store.WithLockedAsync(delayId, delayed => DecideAsync(delayed, wanted, cancellationToken), now,
            cancellationToken);
        if (done is null)
        {
            throw NotFound();
        }
    }

    private async Task<(DelayedEventOutcome? Outcome, object Result)> DecideAsync(DelayedEvent delayed, string wanted,
        CancellationToken cancellationToken)
    {
        if (!delayed.IsScheduled)
        {
            // Retries of an action that already happened succeed; an action against the other outcome conflicts.
            return delayed.Outcome == wanted
                ? (null, delayed)
                : throw Conflict($"The delayed event was already {(delayed.Outcome == "send" ? "sent" : "cancelled")}");
        }

        if (wanted == "cancel")
        {
            return (new DelayedEventOutcome("cancel", "action", null, null), delayed);
        }

        // An error answers the request and leaves the event scheduled, to be retried (MSC4140).
        var eventId = await sender.SendAsync(delayed, cancellationToken);
        return (new DelayedEventOutcome("send", "action", eventId, null), delayed);
    }

    private static MatrixException NotFound() => new(ErrorCode.NotFound, "No such delayed event");

    private static MatrixException Conflict(string message) => new(ErrorCode.Unknown, message, 409);

    private static string NewDelayId() => "syd_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
