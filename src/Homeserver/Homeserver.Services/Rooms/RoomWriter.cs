using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms.Input;

namespace Homeserver.Services.Rooms;

/// <summary>
/// The one path by which events enter rooms: the store's per-room writer, then (after commit) the
/// observers that wake sync and feed the senders. Local events are decided on the room's head under its lock
/// (<see cref="AppendAsync"/>: their prev events are the head's extremities, the fast path); events built elsewhere
/// are placed first, outside the lock, and appended only if the head did not move (<see cref="InputAsync"/>).
/// </summary>
public sealed class RoomWriter(IRoomEventWriter store, IRoomInputStore inputs,
    IEnumerable<IEventPersistedObserver> observers)
{
    // A busy room can move between a placement and its append; each attempt re-reads the head.
    private const int MaxInputAttempts = 16;

    private readonly IEventPersistedObserver[] _observers = observers.ToArray();
    private readonly RoomInputPreparer _preparer = new(inputs);

    public async Task<IReadOnlyList<PersistedEvent>> AppendAsync(string roomId,
        Func<RoomHead, IReadOnlyList<NewRoomEvent>> decide, CancellationToken cancellationToken)
    {
        IReadOnlyList<PersistedEvent> persisted;
        using (var span = PersistTelemetry.Start(roomId, PersistTelemetry.Local))
        {
            persisted = await store.AppendAsync(roomId, decide, cancellationToken);
            PersistTelemetry.Count(span, persisted.Count, PersistTelemetry.Local);
        }

        Publish(persisted);
        return persisted;
    }

    public async Task<IReadOnlyList<PersistedEvent>> CreateRoomAsync(Pdu createEvent,
        Func<RoomHead, IReadOnlyList<NewRoomEvent>> decideRest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(createEvent);
        IReadOnlyList<PersistedEvent> persisted;
        using (var span = PersistTelemetry.Start(createEvent.RoomId, PersistTelemetry.Local))
        {
            persisted = await store.CreateRoomAsync(createEvent, decideRest, cancellationToken);
            PersistTelemetry.Count(span, persisted.Count, PersistTelemetry.Local);
        }

        Publish(persisted);
        return persisted;
    }

    /// <summary>
    /// Stores an event built by this server or another (already signed and hashed; signatures are checked before
    /// input): placed on the room's current head (state before it, auth, soft failure, extremities, current state),
    /// then appended if the head is still that one, else placed again.
    /// </summary>
    public async Task<InputResult> InputAsync(InputEvent input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var roomId = input.RoomId.Value;
        var eventId = input.EventId;
        if ((await inputs.GetEventsAsync([eventId.Value], cancellationToken)).Count > 0)
        {
            return new InputResult(eventId, InputStatus.AlreadyStored);
        }

        for (var attempt = 1; ; attempt++)
        {
            var head = await store.GetHeadAsync(roomId, cancellationToken) ??
                       throw new MatrixException(ErrorCode.NotFound, $"Unknown room {roomId}");
            if (input.Pdu.Version.Id != head.Version.Id)
            {
                throw new ArgumentException($"{eventId} is not of the room's version {head.Version.Id}",
                    nameof(input));
            }

            var outcome = await _preparer.PrepareAsync(input, head, cancellationToken);
            if (outcome.Event is not { Placement: { } placement } placed)
            {
                return new InputResult(eventId, InputStatus.MissingEvents,
                    Missing: outcome.Missing.Select(EventId.Parse).ToList());
            }

            IReadOnlyList<PersistedEvent> persisted;
            var kind = PersistTelemetry.KindOf(input.Kind);
            using var span = PersistTelemetry.Start(roomId, kind);
            try
            {
                persisted = await store.AppendAsync(roomId, current => current.LastStream == head.LastStream
                    ? [placed]
                    : throw new RoomHeadMovedException(roomId), cancellationToken);
                PersistTelemetry.Count(span, persisted.Count, kind);
            }
            catch (RoomHeadMovedException) when (attempt < MaxInputAttempts)
            {
                continue;
            }

            if (input.Kind == InputKind.New)
            {
                Publish(persisted);
            }

            var status = placement.RejectedReason is not null ? InputStatus.Rejected
                : placement.SoftFailed ? InputStatus.SoftFailed
                : InputStatus.Accepted;
            return new InputResult(eventId, status, placement.RejectedReason,
                persisted.Count > 0 ? persisted[0].StreamOrdering : null);
        }
    }

    /// <summary>
    /// Stores a room joined through another server (<see cref="IRoomEventWriter.CreateRoomFromJoinAsync"/>); when the
    /// room already had a head here, the join is input on it with the state before it the resident gave.
    /// </summary>
    /// <exception cref="MatrixException">The join did not pass the checks on our head (it is stored rejected).</exception>
    public async Task JoinFromRemoteAsync(RemoteJoinSnapshot join, ServerName resident,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(join);
        PersistedEvent? persisted;
        using (var span = PersistTelemetry.Start(join.RoomId, PersistTelemetry.Join))
        {
            persisted = await store.CreateRoomFromJoinAsync(join, cancellationToken);
            PersistTelemetry.Count(span, persisted is null ? 0 : 1, PersistTelemetry.Join);
        }

        if (persisted is not null)
        {
            Publish([persisted]);
            return;
        }

        var result = await InputAsync(new InputEvent(join.Join, InputKind.New, resident)
        {
            StateBefore = join.StateBefore.Values.Select(e => EventId.Parse(e.EventId)).ToList(),
        }, cancellationToken);
        if (result.Status is InputStatus.Rejected or InputStatus.MissingEvents)
        {
            throw new MatrixException(ErrorCode.Forbidden,
                $"The join to {join.RoomId} was not accepted here: {result.Reason ?? result.Status.ToString()}");
        }
    }

    /// <summary>Stores an invite, knock or leave of a room hosted elsewhere out of band and tells the observers (the
    /// user's syncs wake).</summary>
    public async Task StoreOutOfBandMembershipAsync(Pdu membership, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(membership);
        PersistedEvent? persisted;
        using (var span = PersistTelemetry.Start(membership.RoomId, PersistTelemetry.OutOfBand))
        {
            persisted = await store.StoreOutOfBandMembershipAsync(membership, cancellationToken);
            PersistTelemetry.Count(span, persisted is null ? 0 : 1, PersistTelemetry.OutOfBand);
        }

        if (persisted is not null)
        {
            Publish([persisted]);
        }
    }

    /// <summary>The room's head (null: unknown here, or known only out of band).</summary>
    public Task<RoomHead?> GetHeadAsync(string roomId, CancellationToken cancellationToken) =>
        store.GetHeadAsync(roomId, cancellationToken);

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
