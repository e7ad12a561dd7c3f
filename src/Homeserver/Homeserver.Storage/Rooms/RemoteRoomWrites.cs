using System.Collections.Immutable;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// The writes of rooms hosted elsewhere: a room made from a send_join answer (outliers, then the head our join event
/// starts), and membership events stored out of band (outliers with a stream position) for rooms without a head
/// here. <c>rooms.out_of_band</c> (migration 0030) marks a room known only that way; heads are never read for it.
/// </summary>
internal static class RemoteRoomWrites
{
    private const string ReadRoomSql = "SELECT out_of_band FROM rooms WHERE room_id = $1";

    private const string ReadStoredSql = "SELECT event_id, stream_ordering FROM events WHERE event_id = ANY($1::text[])";

    private const string UpsertJoinedRoomSql = """
        INSERT INTO rooms (room_id, room_version, creator, created_ts) VALUES ($1, $2, $3, $4)
        ON CONFLICT (room_id) DO UPDATE SET out_of_band = false, creator = EXCLUDED.creator
        """;

    private const string InsertOutOfBandRoomSql = """
        INSERT INTO rooms (room_id, room_version, created_ts, out_of_band) VALUES ($1, $2, $3, true)
        ON CONFLICT (room_id) DO NOTHING
        """;

    private const string InsertOutOfBandEventSql = """
        INSERT INTO events (event_id, room_id, stream_ordering, depth, type, state_key, sender, origin_server_ts, json,
                            outlier)
        VALUES ($1, $2, nextval('event_stream_seq'), $3, $4, $5, $6, $7, $8, true)
        RETURNING stream_ordering
        """;

    /// <summary>What is known of the room under its lock: whether it has a head, and which events are stored.</summary>
    public sealed record Known(bool RoomExists, bool HasHead, IReadOnlyDictionary<string, long?> Stored);

    /// <summary>Takes the room's write lock and reads its row and which of <paramref name="eventIds"/> are stored.</summary>
    public static async Task<Known> LockAndReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string roomId, IEnumerable<string> eventIds, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        RoomHeads.AddLock(batch, roomId);
        EventRows.Command(batch, ReadRoomSql, roomId);
        EventRows.Command(batch, ReadStoredSql, (object)eventIds.Distinct(StringComparer.Ordinal).ToArray());
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken); // past the lock's result
        bool? outOfBand = await reader.ReadAsync(cancellationToken) ? reader.GetBoolean(0) : null;
        await reader.NextResultAsync(cancellationToken);
        var stored = new Dictionary<string, long?>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            stored[reader.GetString(0)] = await reader.IsDBNullAsync(1, cancellationToken) ? null : reader.GetInt64(1);
        }

        return new Known(outOfBand is not null, outOfBand == false, stored);
    }

    /// <summary>
    /// The events to write for a join: the outliers not stored yet, then (when the room gets its head here) the join
    /// placed as a new event on the state before it, becoming the only extremity with the state after it current.
    /// </summary>
    public static List<NewRoomEvent> JoinEvents(RemoteJoinSnapshot join, Known known, bool withJoin)
    {
        var events = join.Outliers.Where(e => !known.Stored.ContainsKey(e.EventId))
            .DistinctBy(e => e.EventId, StringComparer.Ordinal)
            .Select(e => new NewRoomEvent(e) { Placement = new EventPlacement(InputKind.Outlier) })
            .ToList();
        if (withJoin)
        {
            events.Add(new NewRoomEvent(join.Join)
            {
                Placement = new EventPlacement(InputKind.New)
                {
                    StateBefore = join.StateBefore,
                    ExtremitiesAfter = [join.Join],
                    CurrentStateAfter = join.StateAfter,
                },
            });
        }

        return events;
    }

    /// <summary>The room's row, made or turned from out of band into a room with a head.</summary>
    public static async Task UpsertJoinedRoomAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        RemoteJoinSnapshot join, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        EventRows.Command(batch, UpsertJoinedRoomSql, join.RoomId, join.Version.Id, join.Create.Sender,
            join.Create.OriginServerTs);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A head with nothing in it: what a room joined through another server starts from.</summary>
    public static RoomHead EmptyHead(string roomId, RoomVersion version) =>
        new(roomId, version, [], ImmutableDictionary<TypeAndStateKey, Pdu>.Empty, 0, null);

    /// <summary>Stores a membership event out of band (the room recorded out of band if unknown) and returns its
    /// position.</summary>
    public static async Task<long> StoreOutOfBandAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Pdu pdu, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        EventRows.Command(batch, InsertOutOfBandRoomSql, pdu.RoomId, pdu.Version.Id, pdu.OriginServerTs);
        EventPersistence.AddStreamLock(batch);
        EventRows.Command(batch, InsertOutOfBandEventSql, pdu.EventId, pdu.RoomId, pdu.Depth, pdu.Type, pdu.StateKey,
            pdu.Sender, pdu.OriginServerTs, pdu.Json.GetRawText());
        EventRows.AddGraph(batch, pdu);
        EventRows.AddMembership(batch, pdu);
        long? position = null;
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            if (reader.FieldCount == 1 && reader.GetName(0) == "stream_ordering" &&
                await reader.ReadAsync(cancellationToken))
            {
                position = reader.GetInt64(0);
            }
        }
        while (await reader.NextResultAsync(cancellationToken)); // every statement's result, errors included

        return position ?? throw new InvalidOperationException("The out-of-band event insert returned no position");
    }
}
