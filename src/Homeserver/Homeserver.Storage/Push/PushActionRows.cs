using Homeserver.Core.Events;
using Homeserver.Services.Push;
using Npgsql;
using NpgsqlTypes;

namespace Homeserver.Storage.Push;

/// <summary>
/// Writes an event's push actions into <c>event_push_actions</c> (migration 0015) in the batch that inserts the
/// event, right after its insert: <c>currval('event_stream_seq')</c> is then the event's stream position. One
/// statement per event however many members it notifies (arrays unnested server-side).
/// </summary>
internal static class PushActionRows
{
    private const string InsertSql = """
        INSERT INTO event_push_actions (user_id, room_id, event_id, stream_ordering, thread_id, notif, highlight,
                                        actions, ts)
        SELECT a.user_id, $1, $2, currval('event_stream_seq'), a.thread_id, a.notif, a.highlight, a.actions::jsonb, $3
        FROM unnest($4::text[], $5::text[], $6::boolean[], $7::boolean[], $8::text[])
             AS a(user_id, thread_id, notif, highlight, actions)
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
