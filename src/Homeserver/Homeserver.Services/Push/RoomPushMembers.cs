using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Homeserver.Core.Events;

namespace Homeserver.Services.Push;

/// <summary>
/// What push evaluation needs from a room state: its joined member count and its local joined members with their
/// display names. Worked out once per state: a message leaves the room's state object as it was, so every message
/// until the next state change reuses it.
/// </summary>
public sealed class RoomPushMembers
{
    private static readonly ConditionalWeakTable<ImmutableDictionary<TypeAndStateKey, Pdu>, RoomPushMembers> Cache = new();

    private RoomPushMembers(int joinedCount, IReadOnlyList<(string UserId, string? DisplayName)> localJoined)
    {
        JoinedCount = joinedCount;
        LocalJoined = localJoined;
        LocalJoinedIds = localJoined.Select(m => m.UserId).ToList();
    }

    public int JoinedCount { get; }

    public IReadOnlyList<(string UserId, string? DisplayName)> LocalJoined { get; }

    public IReadOnlyList<string> LocalJoinedIds { get; }

    public static RoomPushMembers For(ImmutableDictionary<TypeAndStateKey, Pdu> state, string serverName) =>
        Cache.GetValue(state, s => Read(s, ":" + serverName));

    private static RoomPushMembers Read(ImmutableDictionary<TypeAndStateKey, Pdu> state, string localSuffix)
    {
        var joined = 0;
        var local = new List<(string, string?)>();
        foreach (var (key, pdu) in state)
        {
            if (key.Type != EventTypes.Member || pdu.Membership != Memberships.Join)
            {
                continue;
            }

            joined++;
            if (key.StateKey.EndsWith(localSuffix, StringComparison.Ordinal))
            {
                local.Add((key.StateKey, pdu.ContentString("displayname")));
            }
        }

        return new RoomPushMembers(joined, local);
    }
}
