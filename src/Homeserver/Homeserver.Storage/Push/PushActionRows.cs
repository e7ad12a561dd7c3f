using Homeserver.Core.Events;
using Homeserver.Services.Push;
using Npgsql;
using NpgsqlTypes;

namespace Homeserver.Storage.Push;

/// <summary>
/// Writes an event's push actions in the batch that inserts the event, right after its insert
/// (<c>currval('event_stream_seq')</c> is then the event's stream position): one row of
/// <c>event_push_actions_pending</c> (migration 0043) however many members it notifies, so the transaction holding the
/// stream lock does not index a row per member. <see cref="PushActionMover"/> expands it into
/// <c>event_push_actions</c> after the commit.
/// </summary>
internal static class PushActionRows
{
    private const string InsertSql = """
        INSERT INTO event_push_actions_pending (stream_ordering, room_id, event_id, ts, user_ids, thread_ids, notifs,
                                                highlights, actions)
        VALUES (currval('event_stream_seq'), $1, $2, $3, $4, $5, $6, $7, $8)
        """;

    public static void Add(NpgsqlBatch batch, Pdu pdu, IReadOnlyList<PushAction> actions)
    {
        var command = new NpgsqlBatchCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter { Value = pdu.RoomId });
        command.Parameters.Add(new NpgsqlParameter { Value = pdu.EventId });
        command.Parameters.Add(new NpgsqlParameter { Value = pdu.OriginServerTs });
        command.Parameters.Add(TextArray(actions.Select(a => a.UserId)));
        command.Parameters.Add(TextArray(actions.Select(a => a.ThreadId)));
        command.Parameters.Add(new NpgsqlParameter
            { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean, Value = actions.Select(a => a.Notify).ToArray() });
        command.Parameters.Add(new NpgsqlParameter
            { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean, Value = actions.Select(a => a.Highlight).ToArray() });
        command.Parameters.Add(TextArray(actions.Select(a => a.ActionsJson)));
        batch.BatchCommands.Add(command);
    }

    private static NpgsqlParameter TextArray(IEnumerable<string> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };
}
