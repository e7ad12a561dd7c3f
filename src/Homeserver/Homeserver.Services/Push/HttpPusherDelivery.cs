using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Push;

/// <summary>
/// Delivers one HTTP pusher's notifications in stream order, from its last handled row on, while it holds the pusher
/// (one process at a time). Each outcome is stored before the next call: delivered and refused (4xx) rows move the
/// pusher on; a rejected pushkey deletes the pusher; a failure stores a doubled back-off and stops until it ends.
/// </summary>
public sealed partial class HttpPusherDelivery(IPusherDeliveryStore store, PushNotificationBody bodies,
    PushGatewayClient gateway, PusherTiming timing, ILogger<HttpPusherDelivery> logger)
{
    private const int BatchSize = 50;

    public async Task RunAsync(long pusherId, CancellationToken cancellationToken)
    {
        await using var hold = await store.TryHoldAsync(pusherId, cancellationToken);
        if (hold is null)
        {
            return; // another process delivers for it
        }

        var pusher = await store.GetAsync(pusherId, cancellationToken);
        if (pusher is null || pusher.Kind != "http" || pusher.RetryAt > NowMs ||
            !Uri.TryCreate(PusherSettingsReader.Url(pusher.DataJson), UriKind.Absolute, out var url))
        {
            return;
        }

        while (true)
        {
            var batch = await store.GetPendingAsync(pusher.UserId, pusher.LastStreamOrdering, BatchSize, cancellationToken);
            if (batch.Count == 0)
            {
                return;
            }

            foreach (var row in batch)
            {
                if (!await DeliverAsync(pusher, url, row, cancellationToken))
                {
                    return;
                }

                pusher = pusher with { LastStreamOrdering = row.StreamOrdering, FailingSince = null, BackoffMs = 0 };
            }
        }
    }

    /// <returns>Whether to go on with the next row.</returns>
    private async Task<bool> DeliverAsync(Pusher pusher, Uri url, PushNotification row, CancellationToken cancellationToken)
    {
        var body = await bodies.BuildAsync(pusher, row, cancellationToken);
        var (outcome, detail) = body is null
            ? (GatewayOutcome.Refused, "the event is gone")
            : await gateway.NotifyAsync(url, pusher.PushKey, body, cancellationToken);
        switch (outcome)
        {
            case GatewayOutcome.Delivered:
                await store.MarkHandledAsync(pusher.Id, row.StreamOrdering, cancellationToken);
                return true;
            case GatewayOutcome.Refused:
                LogDropped(logger, pusher.Id, row.EventId, detail);
                await store.MarkHandledAsync(pusher.Id, row.StreamOrdering, cancellationToken);
                return true;
            case GatewayOutcome.Rejected:
                LogRejected(logger, pusher.Id, pusher.UserId, pusher.AppId);
                await store.DeleteAsync(pusher.Id, cancellationToken);
                return false;
            default:
                var now = NowMs;
                if (pusher.FailingSince is { } since && now - since >= (long)timing.GiveUpAfter.TotalMilliseconds)
                {
                    LogDropped(logger, pusher.Id, row.EventId, "gave up after failing for too long: " + detail);
                    await store.MarkHandledAsync(pusher.Id, row.StreamOrdering, cancellationToken);
                    return true;
                }

                var backoff = pusher.BackoffMs == 0
                    ? (long)timing.InitialBackoff.TotalMilliseconds
                    : Math.Min(pusher.BackoffMs * 2, (long)timing.MaxBackoff.TotalMilliseconds);
                LogFailed(logger, pusher.Id, row.EventId, detail, backoff);
                await store.MarkFailedAsync(pusher.Id, pusher.FailingSince ?? now, now + backoff, backoff, cancellationToken);
                return false;
        }
    }

    private long NowMs => timing.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pusher {PusherId}: notification for {EventId} failed ({Detail}); next try in {BackoffMs} ms")]
    private static partial void LogFailed(ILogger logger, long pusherId, string eventId, string detail, long backoffMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pusher {PusherId}: notification for {EventId} dropped ({Detail})")]
    private static partial void LogDropped(ILogger logger, long pusherId, string eventId, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pusher {PusherId} of {UserId} ({AppId}) removed: the gateway rejected its pushkey")]
    private static partial void LogRejected(ILogger logger, long pusherId, string userId, string appId);
}
