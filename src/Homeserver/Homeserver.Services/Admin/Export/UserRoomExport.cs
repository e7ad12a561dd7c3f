using System.Text.Json;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Admin.Export;

/// <summary>
/// The rooms part of a user's data export, as Synapse's <c>export_data</c> gathers it: for each room the user has a
/// membership of (forgotten ones left out), the membership; for an invite or a knock the stripped state that came
/// with it; otherwise the room's state as the user may see it (current while joined, as it was when they left) and
/// every event they may see up to then, through the one history visibility filter (<see cref="RoomAccess"/>), so an
/// erased sender's event is pruned here as it is on /messages. Events are written page by page as they are read.
/// </summary>
public sealed class UserRoomExport(IRoomEventReader reader, ISyncReader memberships, RoomAccess access,
    SyncRoomBuilder stripped)
{
    private const int PageSize = 200;

    /// <summary>Writes the <c>rooms</c> object: room ID to its entry.</summary>
    /// <param name="upTo">The newest event stream position to export (read before the memberships, so a join in
    /// them covers every event up to it).</param>
    public async Task WriteAsync(Utf8JsonWriter writer, Requester user, long upTo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(user);
        writer.WriteStartObject("rooms");
        var rooms = await memberships.GetMembershipsAsync(user.UserId.Value, cancellationToken);
        foreach (var membership in rooms.Where(m => !m.Forgotten).OrderBy(m => m.RoomId, StringComparer.Ordinal))
        {
            writer.WriteStartObject(membership.RoomId);
            writer.WriteString("membership", membership.Membership);
            writer.WriteString("membership_event_id", membership.EventId);
            switch (membership.Membership)
            {
                case Memberships.Invite:
                    await WriteStrippedAsync(writer, membership, "invite_state", cancellationToken);
                    break;
                case Memberships.Knock:
                    await WriteStrippedAsync(writer, membership, "knock_state", cancellationToken);
                    break;
                default:
                    await WriteHistoryAsync(writer, user, membership, upTo, cancellationToken);
                    break;
            }

            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken);
        }

        writer.WriteEndObject();
    }

    private async Task WriteStrippedAsync(Utf8JsonWriter writer, SyncMembership membership, string section,
        CancellationToken cancellationToken)
    {
        var entry = await stripped.StrippedAsync(membership, section, cancellationToken);
        writer.WritePropertyName(section);
        entry[section]!["events"]!.WriteTo(writer);
    }

    private async Task WriteHistoryAsync(Utf8JsonWriter writer, Requester user, SyncMembership membership, long upTo,
        CancellationToken cancellationToken)
    {
        var joined = membership.Membership == Memberships.Join;
        var room = new RoomReader(membership.RoomId, user.UserId.Value,
            joined ? RoomReadKind.Joined : RoomReadKind.Departed,
            new MembershipRow(membership.Membership, membership.EventId, membership.StreamOrdering, membership.Forgotten),
            MembershipCoversReads: true, ReadsUpTo: upTo);
        // Nothing after they left (or were banned) is theirs to see.
        var last = joined ? upTo : Math.Min(upTo, membership.StreamOrdering);

        var state = joined
            ? await reader.GetCurrentStateAsync(membership.RoomId, cancellationToken)
            : await reader.GetEventsAsync(
                (await reader.GetStateIdsAfterAsync(membership.EventId, cancellationToken)).Values.ToList(),
                cancellationToken);
        writer.WritePropertyName("state");
        (await access.FormatAsync(state.OrderBy(e => e.Pdu.Type, StringComparer.Ordinal)
            .ThenBy(e => e.Pdu.StateKey, StringComparer.Ordinal).ToList(), room, user, cancellationToken)).WriteTo(writer);

        writer.WriteStartArray("events");
        // Backfilled events have negative positions: start below all of them.
        var position = long.MinValue;
        while (true)
        {
            var page = await reader.GetRoomEventsAsync(membership.RoomId, position, true, PageSize, cancellationToken);
            var inRange = page.TakeWhile(e => e.StreamOrdering <= last).ToList();
            if (inRange.Count > 0)
            {
                position = inRange[^1].StreamOrdering!.Value;
                var visible = await access.FilterVisibleAsync(room, inRange, cancellationToken);
                foreach (var formatted in await access.FormatAsync(visible, room, user, cancellationToken))
                {
                    formatted!.WriteTo(writer);
                }

                await writer.FlushAsync(cancellationToken);
            }

            if (page.Count < PageSize || inRange.Count < page.Count)
            {
                break;
            }
        }

        writer.WriteEndArray();
    }
}
