using Homeserver.Core.AppServices;
using Homeserver.Services.Rooms;
using Homeserver.Services.Streams;

namespace Homeserver.Services.AppServices.Push;

/// <summary>
/// Reads every persisted event (the durable stream, in order, at least once) and queues each one, in client format,
/// for the appservices it interests (<see cref="AppServiceRoomInterest"/>) that have a url; then wakes their senders.
/// Soft-failed events are not part of the room and are skipped. A batch handed again queues nothing twice
/// (<see cref="IAppServiceQueueStore.EnqueueEventsAsync"/>).
/// </summary>
public sealed class AppServiceEventConsumer(AppServiceRegistry registry, AppServiceRoomInterest interest,
    IAppServiceQueueStore queue, AppServiceSender sender, ClientEventFormatter formatter) : IEventStreamConsumer
{
    private readonly AppServiceRegistration[] _targets = registry.All.Where(r => r.Url is not null).ToArray();

    public string Name => "appservice_sender";

    public async Task HandleAsync(IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_targets.Length == 0)
        {
            return;
        }

        var live = events.Where(e => !e.SoftFailed && e.Position > 0).ToList();
        await interest.PrepareAsync(events, cancellationToken);
        var queued = new List<QueuedAppServiceEvent>();
        foreach (var streamEvent in live)
        {
            string? json = null;
            foreach (var appService in _targets)
            {
                if (interest.IsInterested(appService, streamEvent.Pdu))
                {
                    json ??= formatter.Format(new StoredEvent(streamEvent.Pdu, streamEvent.Position, null, null, null),
                        null).ToJsonString();
                    queued.Add(new QueuedAppServiceEvent(appService.Id, streamEvent.Position, json));
                }
            }

            interest.Apply(streamEvent.Pdu);
        }

        if (queued.Count == 0)
        {
            return;
        }

        await queue.EnqueueEventsAsync(queued, cancellationToken);
        await sender.WakeAsync(queued.Select(q => q.AppServiceId).Distinct(StringComparer.Ordinal).ToList(),
            cancellationToken);
    }
}
