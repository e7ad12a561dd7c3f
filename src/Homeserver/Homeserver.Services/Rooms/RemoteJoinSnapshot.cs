using System.Collections.Immutable;
using Homeserver.Core.Events;

namespace Homeserver.Services.Rooms;

/// <summary>
/// A room as a resident server gave it to us in its send_join answer, already checked (signatures, hashes, auth):
/// the events we store as outliers (the auth chain and the state), the state before our join event, and the join.
/// With a partial-state join (MSC3706, later) the state before would lack members: whoever builds this says so.
/// </summary>
/// <param name="Outliers">The auth chain and state events, each at most once, in an order where auth events come
/// before the events they authorise.</param>
/// <param name="StateBefore">The room's state before <paramref name="Join"/>, every event of it among
/// <paramref name="Outliers"/>.</param>
public sealed record RemoteJoinSnapshot(
    Pdu Create,
    IReadOnlyList<Pdu> Outliers,
    ImmutableDictionary<TypeAndStateKey, Pdu> StateBefore,
    Pdu Join)
{
    public string RoomId => Join.RoomId;

    public RoomVersion Version => Join.Version;

    /// <summary>The state after the join: the state before it with the join's own entry.</summary>
    public ImmutableDictionary<TypeAndStateKey, Pdu> StateAfter => StateBefore.SetItem(Join.StateEntryKey, Join);
}
