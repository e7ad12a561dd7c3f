using Homeserver.Core.Events;
using Homeserver.Services.Push;
using Npgsql;
using NpgsqlTypes;

namespace Homeserver.Storage.Push;

/// <summary>
/// Writes an event's push actions in the batch that inserts the event, right after its insert
/// (<c>currval('event_stream_seq')</c> is then the event's stream position). The action most members share is one
/// <c>event_push_bulk</c> row with its exceptions (migration 0044, <see cref="PushActionBulk"/>); the other members'
/// actions are one row of <c>event_push_actions_pending</c> (migration 0043) however many they are, so the
/// transaction holding the stream lock does not index a row per member. <see cref="PushActionMover"/> expands that
/// row into <c>event_push_actions</c> after the commit.
/// </summary>
internal static class PushActionRows
{
    private const string InsertPendingSql = """
        INSERT INTO event_push_actions_pending (stream_ordering, room_id, event_id, ts, user_ids, thread_ids, notifs,
                                                highlights, actions)
        VALUES (currval('event_stream_seq'), $1, $2, $3, $4, $5, $6, $7, $8)
        """;

    // The stream lock is held, so the room's newest row is the one before this event.
    private const string InsertBulkSql = """
        INSERT INTO event_push_bulk (stream_ordering, room_id, event_id, thread_id, actions, ts, main_seq)
        SELECT currval('event_stream_seq'), $1, $2, $3, $4, $5,
               coalesce((SELECT b.main_seq FROM event_push_bulk b WHERE b.room_id = $1
                         ORDER BY b.stream_ordering DESC LIMIT 1), 0) + CASE WHEN $3 = 'main' THEN 1 ELSE 0 END
        """;

    private const string InsertExceptionsSql = """
        INSERT INTO event_push_bulk_exceptions (user_id, room_id, stream_ordering, thread_id)
        SELECT unnest($1::text[]), $2, currval('event_stream_seq'), $3
        """;

    public static void Add(NpgsqlBatch batch, Pdu pdu, EventPushActions decided)
    {
        var split = PushActionBulk.Split(decided);
        if (split.Bulk is { } bulk)
        {
            Add(batch, InsertBulkSql, Text(pdu.RoomId), Text(pdu.EventId), Text(bulk.ThreadId), Text(bulk.ActionsJson),
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = pdu.OriginServerTs });
            if (split.Exceptions.Count > 0)
            {
                Add(batch, InsertExceptionsSql, TextArray(split.Exceptions), Text(pdu.RoomId), Text(bulk.ThreadId));
            }
        }

        var actions = split.Explicit;
        if (actions.Count == 0)
        {
            return;
        }

        Add(batch, InsertPendingSql, Text(pdu.RoomId), Text(pdu.EventId),
            new NpgsqlParameter { Value = pdu.OriginServerTs },
            TextArray(actions.Select(a => a.UserId)), TextArray(actions.Select(a => a.ThreadId)),
            new NpgsqlParameter
                { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean, Value = actions.Select(a => a.Notify).ToArray() },
            new NpgsqlParameter
                { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean, Value = actions.Select(a => a.Highlight).ToArray() },
            TextArray(actions.Select(a => a.ActionsJson)));
    }

    private static void Add(NpgsqlBatch batch, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        batch.BatchCommands.Add(command);
    }

    private static NpgsqlParameter Text(string value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = value };

    private static NpgsqlParameter TextArray(IEnumerable<string> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };
}
