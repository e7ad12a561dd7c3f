using Homeserver.Core.Events;

namespace Homeserver.Services.Rooms;

/// <summary>
/// The one path by which events enter rooms: the store's per-room writer, then (after commit) the
/// observers that wake sync and feed the senders.
/// </summary>
public sealed class RoomWriter(IRoomEventWriter store, IEnumerable<IEventPersistedObserver> observers)
{
    private readonly IEventPersistedObserver[] _observers = observers.ToArray();

    public async Task<IReadOnlyList<PersistedEvent>> AppendAsync(string roomId,
        Func<RoomHead, IReadOnlyList<NewRoomEvent>> decide, CancellationToken cancellationToken)
    {
        var persisted = await store.AppendAsync(roomId, decide, cancellationToken);
        Publish(persisted);
        return persisted;
    }

    public async Task<IReadOnlyList<PersistedEvent>> CreateRoomAsync(Pdu createEvent,
        Func<RoomHead, IReadOnlyList<NewRoomEvent>> decideRest, CancellationToken cancellationToken)
    {
        var persisted = await store.CreateRoomAsync(createEvent, decideRest, cancellationToken);
        Publish(persisted);
        return persisted;
    }

    public Task<string?> FindTransactionAsync(ClientTransaction transaction, CancellationToken cancellationToken) =>
        store.FindTransactionAsync(transaction, cancellationToken);

    private void Publish(IReadOnlyList<PersistedEvent> persisted)
    {
        if (persisted.Count == 0)
        {
            return;
        }

        foreach (var observer in _observers)
        {
            observer.OnPersisted(persisted);
        }
    }
}
