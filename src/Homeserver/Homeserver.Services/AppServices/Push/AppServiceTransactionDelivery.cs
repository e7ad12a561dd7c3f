using System.Text.Json;
using Homeserver.Core.AppServices;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.AppServices.Push;

/// <summary>How a delivery pass for one appservice ended.</summary>
public enum AppServiceDeliveryState
{
    /// <summary>Nothing left to send (or no url: no traffic at all).</summary>
    Idle,

    /// <summary>The appservice failed, or is backing off: try again at the outcome's time.</summary>
    RetryLater,

    /// <summary>Another process sends to this appservice.</summary>
    HeldElsewhere,
}

public sealed record AppServiceDeliveryOutcome(AppServiceDeliveryState State, DateTimeOffset RetryAt = default);

/// <summary>
/// One appservice's delivery pass, under its hold: the transaction in flight is sent again as it was (same ID, same
/// body) until the appservice answers 2xx; then the next one is built from the oldest queued items (events and
/// ephemeral events, at most the options' numbers of each). Any other answer, no connection or a timeout leaves it in
/// flight and ends the pass until the back-off (stored, so it survives a restart) ends. Spec: Application Service API,
/// "Pushing events".
/// </summary>
public sealed partial class AppServiceTransactionDelivery(IAppServiceQueueStore queue, AppServiceClient client,
    IAppServiceRoomFactsReader rooms, IAppServiceDeviceKeysReader deviceKeys, AppServiceClientOptions options,
    ILogger<AppServiceTransactionDelivery> logger)
{
    public async Task<AppServiceDeliveryOutcome> DeliverAsync(AppServiceRegistration appService,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appService);
        if (appService.Url is null)
        {
            return new AppServiceDeliveryOutcome(AppServiceDeliveryState.Idle);
        }

        await using var hold = await queue.TryHoldAsync(appService.Id, cancellationToken);
        if (hold is null)
        {
            return new AppServiceDeliveryOutcome(AppServiceDeliveryState.HeldElsewhere);
        }

        while (true)
        {
            var state = await queue.GetStateAsync(appService.Id, cancellationToken);
            if (state.RetryAt > options.Clock.GetUtcNow())
            {
                return new AppServiceDeliveryOutcome(AppServiceDeliveryState.RetryLater, state.RetryAt);
            }

            var transaction = state.Pending ?? await BuildAsync(appService, cancellationToken);
            if (transaction is null)
            {
                return new AppServiceDeliveryOutcome(AppServiceDeliveryState.Idle);
            }

            var response = await client.SendAsync(appService, HttpMethod.Put,
                "/_matrix/app/v1/transactions/" + transaction.TxnId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                transaction.Body, cancellationToken);
            if (response.Outcome == AppServiceCallOutcome.Success)
            {
                await queue.CompleteAsync(appService.Id, transaction, cancellationToken);
                LogSent(logger, appService.Id, transaction.TxnId, transaction.Items.Count);
                continue;
            }

            var backoff = state.Backoff <= TimeSpan.Zero ? options.InitialBackoff
                : TimeSpan.FromTicks(Math.Min(state.Backoff.Ticks * 2, options.MaxBackoff.Ticks));
            var retryAt = options.Clock.GetUtcNow() + backoff;
            await queue.RecordFailureAsync(appService.Id, backoff, retryAt, cancellationToken);
            LogFailed(logger, appService.Id, transaction.TxnId, response.Detail, backoff);
            return new AppServiceDeliveryOutcome(AppServiceDeliveryState.RetryLater, retryAt);
        }
    }

    private async Task<AppServiceTransaction?> BuildAsync(AppServiceRegistration appService,
        CancellationToken cancellationToken)
    {
        var queued = await queue.ReadQueueAsync(appService.Id,
            options.MaxEventsPerTransaction + options.MaxEphemeralPerTransaction, cancellationToken);
        if (queued.Count == 0)
        {
            return null;
        }

        // The oldest items in order, at most the limit of each part; what is left waits for the next transaction.
        var items = new List<AppServiceItem>();
        int events = 0, others = 0;
        foreach (var item in queued)
        {
            var isEvent = item.Kind == AppServiceItemKinds.Event;
            if (isEvent ? events == options.MaxEventsPerTransaction : others == options.MaxEphemeralPerTransaction)
            {
                break;
            }

            items.Add(item);
            if (isEvent)
            {
                events++;
            }
            else
            {
                others++;
            }
        }

        var keys = appService.DeviceMasquerading
            ? await deviceKeys.GetAsync(await KeyCountUsersAsync(appService, items, cancellationToken), cancellationToken)
            : [];
        var body = AppServiceTransactionBody.Build(appService, items, keys);
        return await queue.SavePendingAsync(appService.Id, body, items.Select(i => i.Id).ToList(), cancellationToken);
    }

    /// <summary>MSC3202, as Synapse: the appservice's sender and its users joined to the rooms the transaction is
    /// about.</summary>
    private async Task<IReadOnlyCollection<string>> KeyCountUsersAsync(AppServiceRegistration appService,
        IReadOnlyList<AppServiceItem> items, CancellationToken cancellationToken)
    {
        var roomIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items.Where(i => i.Kind is AppServiceItemKinds.Event or AppServiceItemKinds.Ephemeral))
        {
            using var document = JsonDocument.Parse(item.Content);
            if (document.RootElement.TryGetProperty("room_id", out var roomId) &&
                roomId.ValueKind == JsonValueKind.String)
            {
                roomIds.Add(roomId.GetString()!);
            }
        }

        var users = new HashSet<string>(StringComparer.Ordinal) { appService.Sender.Value };
        foreach (var facts in (await rooms.GetAsync(roomIds, cancellationToken)).Values)
        {
            users.UnionWith(facts.JoinedMembers.Where(appService.IsInterestedInUser));
        }

        return users;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transaction {TxnId} to appservice {AppService} delivered ({Items} items)")]
    private static partial void LogSent(ILogger logger, string appService, long txnId, int items);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transaction {TxnId} to appservice {AppService} failed ({Reason}), kept for a retry in {Backoff}")]
    private static partial void LogFailed(ILogger logger, string appService, long txnId, string reason, TimeSpan backoff);
}
