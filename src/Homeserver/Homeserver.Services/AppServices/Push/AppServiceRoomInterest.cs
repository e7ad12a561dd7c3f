using Homeserver.Core.AppServices;
using Homeserver.Core.Events;
using Homeserver.Services.Streams;

namespace Homeserver.Services.AppServices.Push;

/// <summary>
/// Which appservices a room's events interest (Application Service API, "Registration"): the room ID in a rooms
/// namespace, one of its aliases in an aliases namespace, or a joined member in a users namespace. For the event
/// consumer: rooms' facts are read once per batch for the rooms not cached, member events of the stream keep the
/// cached members current, and each appservice's answer is kept until the room's facts change. The cache is dropped
/// when the stream skips positions (another process consumed them: their member events were not seen here), and an
/// entry is read again after <see cref="MaxAge"/> (aliases made through the directory are not stream events).
/// </summary>
public sealed class AppServiceRoomInterest(IAppServiceRoomFactsReader reader, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private const int MaxRooms = 10_000;

    private readonly Dictionary<string, Entry> _rooms = new(StringComparer.Ordinal);
    private long _lastPosition = long.MinValue;

    /// <summary>Makes the batch's rooms known; call before asking about its events.</summary>
    public async Task PrepareAsync(IReadOnlyList<StreamEvent> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        if (batch[0].Position != _lastPosition + 1 || _rooms.Count > MaxRooms)
        {
            _rooms.Clear();
        }

        _lastPosition = batch[^1].Position;
        var now = clock.GetUtcNow();
        var missing = batch.Select(e => e.Pdu.RoomId).Distinct(StringComparer.Ordinal)
            .Where(room => !_rooms.TryGetValue(room, out var entry) || now - entry.ReadAt > MaxAge).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var facts = await reader.GetAsync(missing, cancellationToken);
        foreach (var room in missing)
        {
            var found = facts.GetValueOrDefault(room);
            _rooms[room] = new Entry(now,
                new HashSet<string>(found?.JoinedMembers ?? [], StringComparer.Ordinal),
                new HashSet<string>(found?.Aliases ?? [], StringComparer.Ordinal));
        }
    }

    /// <summary>Whether the event interests the appservice: its sender or member target in the users namespace, or
    /// its room does.</summary>
    public bool IsInterested(AppServiceRegistration appService, Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(appService);
        ArgumentNullException.ThrowIfNull(pdu);
        if (appService.IsInterestedInUser(pdu.Sender) ||
            (pdu.Type == EventTypes.Member && pdu.StateKey is { } target && appService.IsInterestedInUser(target)))
        {
            return true;
        }

        if (!_rooms.TryGetValue(pdu.RoomId, out var entry))
        {
            return appService.IsInterestedInRoom(pdu.RoomId);
        }

        if (!entry.Decisions.TryGetValue(appService.Id, out var interested))
        {
            interested = appService.IsInterestedInRoom(pdu.RoomId) ||
                         entry.Aliases.Any(appService.IsInterestedInAlias) ||
                         entry.Members.Any(appService.IsInterestedInUser);
            entry.Decisions[appService.Id] = interested;
        }

        return interested;
    }

    /// <summary>Follows the event's effect on the cached facts (after the decisions about it).</summary>
    public void Apply(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        if (!_rooms.TryGetValue(pdu.RoomId, out var entry))
        {
            return;
        }

        if (pdu.Type == EventTypes.Member && pdu.StateKey is { } target)
        {
            var changed = pdu.Membership == Memberships.Join ? entry.Members.Add(target) : entry.Members.Remove(target);
            if (changed)
            {
                entry.Decisions.Clear();
            }
        }
        else if (pdu.Type == "m.room.canonical_alias" && pdu.StateKey == "")
        {
            _rooms.Remove(pdu.RoomId); // read again with the next batch that has the room
        }
    }

    private sealed record Entry(DateTimeOffset ReadAt, HashSet<string> Members, HashSet<string> Aliases)
    {
        public Dictionary<string, bool> Decisions { get; } = new(StringComparer.Ordinal);
    }
}
