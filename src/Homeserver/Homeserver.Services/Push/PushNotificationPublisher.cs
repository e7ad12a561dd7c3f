using Homeserver.Services.Rooms;

namespace Homeserver.Services.Push;

/// <summary>
/// After events are committed, hands the push actions written with them to every <see cref="IPushNotificationObserver"/>
/// (pushers). Runs after the commit like every <see cref="IEventPersistedObserver"/>; an observer that misses a call
/// finds the rows in <c>event_push_actions</c>.
/// </summary>
public sealed class PushNotificationPublisher(PushActionEvaluator evaluator,
    IEnumerable<IPushNotificationObserver> observers) : IEventPersistedObserver
{
    private readonly IPushNotificationObserver[] _observers = observers.ToArray();

    public void OnPersisted(IReadOnlyList<PersistedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_observers.Length == 0)
        {
            return;
        }

        var notifications = new List<PushNotification>();
        foreach (var persisted in events)
        {
            var pdu = persisted.Pdu;
            foreach (var action in evaluator.DecidedFor(pdu) ?? [])
            {
                notifications.Add(new PushNotification(action.UserId, pdu.RoomId, pdu.EventId,
                    persisted.StreamOrdering, action.ThreadId, action.Notify, action.Highlight, action.ActionsJson,
                    pdu.OriginServerTs));
            }
        }

        if (notifications.Count == 0)
        {
            return;
        }

        foreach (var observer in _observers)
        {
            observer.OnNotifications(notifications);
        }
    }
}
