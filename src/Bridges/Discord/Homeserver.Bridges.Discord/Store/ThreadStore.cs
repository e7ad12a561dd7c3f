using System.Data.Common;
using Dapper;

namespace Homeserver.Bridges.Discord.Store;

/// <summary>A Discord thread of a linked channel: its root event in the portal and its latest event there.</summary>
public sealed record BridgedThread(string ThreadId, string ChannelId, string? Name, string? RootEventId, string? LatestEventId);

/// <summary>A thread and the newest of its Discord messages bridged (null before the first).</summary>
public sealed record ThreadProgress(string ThreadId, string ChannelId, long? LastMessageId);

/// <summary>
/// The <c>discord_threads</c> table (thread_id PRIMARY KEY, channel_id the parent, name, root_event_id,
/// latest_event_id, last_message_id) and <c>discord_thread_messages</c> (message_id PRIMARY KEY, thread_id): which messages live in a
/// thread. Portable SQL through Dapper (Postgres or SQLite).
/// </summary>
public sealed class ThreadStore(Func<CancellationToken, ValueTask<DbConnection>> open)
{
    private const string Columns = "thread_id AS ThreadId, channel_id AS ChannelId, name AS Name, root_event_id AS RootEventId, " +
                                   "latest_event_id AS LatestEventId";

    private const string UpsertSql = """
        INSERT INTO discord_threads (thread_id, channel_id, name) VALUES (@threadId, @channelId, @name)
        ON CONFLICT (thread_id) DO UPDATE SET name = COALESCE(excluded.name, discord_threads.name)
        """;

    private const string ByIdSql = $"SELECT {Columns} FROM discord_threads WHERE thread_id = @threadId";

    private const string ByRootSql = $"SELECT {Columns} FROM discord_threads WHERE root_event_id = @rootEventId";

    private const string SetRootSql = "UPDATE discord_threads SET root_event_id = @rootEventId WHERE thread_id = @threadId AND root_event_id IS NULL";

    private const string SetLatestSql = "UPDATE discord_threads SET latest_event_id = @eventId WHERE thread_id = @threadId";

    private const string DeleteSql = "DELETE FROM discord_threads WHERE thread_id = @threadId";

    private const string DeleteMessagesSql = "DELETE FROM discord_thread_messages WHERE thread_id = @threadId";

    private const string AddMessageSql = "INSERT INTO discord_thread_messages (message_id, thread_id) VALUES (@messageId, @threadId) ON CONFLICT DO NOTHING";

    private const string MessageSql = "SELECT thread_id FROM discord_thread_messages WHERE message_id = @messageId";

    private const string NoteSql = """
        UPDATE discord_threads SET last_message_id = @messageId
        WHERE thread_id = @threadId AND (last_message_id IS NULL OR last_message_id < @messageId)
        """;

    private const string ProgressSql = "SELECT thread_id AS ThreadId, channel_id AS ChannelId, last_message_id AS LastMessageId FROM discord_threads";

    public static ThreadStore Over(DbDataSource dataSource) => new(async ct => await dataSource.OpenConnectionAsync(ct));

    /// <summary>Records a thread of <paramref name="channelId"/>, or its new name when it is known.</summary>
    public async Task UpsertAsync(string threadId, string channelId, string? name, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new { threadId, channelId, name }, cancellationToken: cancellationToken));
    }

    public async Task<BridgedThread?> ByIdAsync(string threadId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<BridgedThread>(new CommandDefinition(ByIdSql, new { threadId },
            cancellationToken: cancellationToken));
    }

    public async Task<BridgedThread?> ByRootAsync(string rootEventId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<BridgedThread>(new CommandDefinition(ByRootSql, new { rootEventId },
            cancellationToken: cancellationToken));
    }

    /// <summary>Sets the root event unless one is set; returns whether this call set it.</summary>
    public async Task<bool> TrySetRootAsync(string threadId, string rootEventId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(SetRootSql, new { threadId, rootEventId },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task SetLatestAsync(string threadId, string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(SetLatestSql, new { threadId, eventId }, cancellationToken: cancellationToken));
    }

    /// <summary>Forgets a thread and which messages were in it.</summary>
    public async Task RemoveAsync(string threadId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeleteMessagesSql, new { threadId }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { threadId }, cancellationToken: cancellationToken));
    }

    /// <summary>Records that Discord message <paramref name="messageId"/> of the thread was bridged (unless a newer one was).</summary>
    public async Task NoteBridgedAsync(string threadId, long messageId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(NoteSql, new { threadId, messageId }, cancellationToken: cancellationToken));
    }

    /// <summary>Every known thread with how far it was bridged (for catching up).</summary>
    public async Task<IReadOnlyList<ThreadProgress>> ProgressAsync(CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        return [.. await connection.QueryAsync<ThreadProgress>(new CommandDefinition(ProgressSql, cancellationToken: cancellationToken))];
    }

    public async Task AddMessageAsync(string messageId, string threadId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(AddMessageSql, new { messageId, threadId }, cancellationToken: cancellationToken));
    }

    /// <summary>The thread a message lives in, or null (the channel itself, or unknown).</summary>
    public async Task<string?> ThreadOfMessageAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(MessageSql, new { messageId },
            cancellationToken: cancellationToken));
    }
}
