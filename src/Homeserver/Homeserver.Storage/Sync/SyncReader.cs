using Dapper;
using Homeserver.Services.Sync;
using Npgsql;

namespace Homeserver.Storage.Sync;

/// <summary>
/// The queries of /sync over <c>room_memberships</c>, <c>events</c> (migration 0003) and <c>account_data</c>
/// (migration 0002).
/// </summary>
public sealed class SyncReader(NpgsqlDataSource dataSource) : ISyncReader
{
    private const string MembershipsSql = """
        SELECT room_id AS RoomId, membership AS Membership, event_id AS EventId, stream_ordering AS StreamOrdering,
               forgotten AS Forgotten
        FROM room_memberships WHERE user_id = @userId
        """;

    private const string AccountDataSql = """
        SELECT room_id AS RoomId, type AS Type, content AS Content, stream_id AS StreamId
        FROM account_data WHERE user_id = @userId AND stream_id > @since AND stream_id <= @upTo
        ORDER BY stream_id
        """;

    internal const string AccountDataStreamSql = "SELECT coalesce(max(stream_id), 0) FROM account_data";

    internal const string LastMembershipChangeSql = "SELECT coalesce(max(stream_ordering), 0) FROM room_memberships";

    private const string MemberSummarySql = """
        SELECT
            (SELECT count(*)::int FROM room_memberships WHERE room_id = @roomId AND membership = 'join') AS Joined,
            (SELECT count(*)::int FROM room_memberships WHERE room_id = @roomId AND membership = 'invite') AS Invited,
            ARRAY(SELECT user_id FROM room_memberships
                  WHERE room_id = @roomId AND user_id <> @userId AND membership IN ('join', 'invite')
                  ORDER BY stream_ordering LIMIT @heroes) AS Present,
            ARRAY(SELECT user_id FROM room_memberships
                  WHERE room_id = @roomId AND user_id <> @userId AND membership IN ('leave', 'ban')
                  ORDER BY stream_ordering LIMIT @heroes) AS Departed
        """;

    private const string MembershipsWithActivitySql = """
        SELECT m.room_id AS RoomId, m.membership AS Membership, m.event_id AS EventId,
               m.stream_ordering AS StreamOrdering, m.forgotten AS Forgotten,
               m.membership = 'join' AND EXISTS (
                   SELECT 1 FROM events e
                   WHERE e.room_id = m.room_id AND e.stream_ordering > @since AND e.stream_ordering <= @upTo) AS HasEvents
        FROM room_memberships m WHERE m.user_id = @userId
        """;

    public async Task<IReadOnlyList<SyncMembership>> GetMembershipsAsync(string userId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<SyncMembership>(new CommandDefinition(MembershipsSql, new { userId },
            cancellationToken: cancellationToken))).ToList();
    }

    public async Task<IReadOnlyList<AccountDataChange>> GetAccountDataAsync(string userId, long since, long upTo,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AccountDataChange>(new CommandDefinition(AccountDataSql,
            new { userId, since, upTo }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<long> GetAccountDataStreamAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(AccountDataStreamSql,
            cancellationToken: cancellationToken));
    }

    public async Task<RoomMemberSummary> GetMemberSummaryAsync(string roomId, string userId, int heroes,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(int Joined, int Invited, string[] Present, string[] Departed)>(
            new CommandDefinition(MemberSummarySql, new { roomId, userId, heroes }, cancellationToken: cancellationToken));
        return new RoomMemberSummary(row.Joined, row.Invited, row.Present, row.Departed);
    }

    public async Task<IReadOnlyList<(SyncMembership Membership, bool HasEvents)>> GetMembershipsWithActivityAsync(
        string userId, long since, long upTo, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<MembershipActivityRow>(new CommandDefinition(MembershipsWithActivitySql,
            new { userId, since, upTo }, cancellationToken: cancellationToken));
        return rows.Select(r => (new SyncMembership(r.RoomId, r.Membership, r.EventId, r.StreamOrdering, r.Forgotten),
            r.HasEvents)).ToList();
    }

    private sealed record MembershipActivityRow(string RoomId, string Membership, string EventId, long StreamOrdering,
        bool Forgotten, bool HasEvents);
}
