using Dapper;
using Homeserver.Services.Live.Webhooks;
using Npgsql;

namespace Homeserver.Storage.Live;

/// <summary>
/// The <c>live_webhooks</c> table (migration 0035): webhook_id text PRIMARY KEY, room_id, name, avatar_url,
/// bot_user_id, token_hash bytea (SHA-256 of the token), created_by, created_ts, revoked_ts (null while it works).
/// </summary>
public sealed class LiveWebhookStore(NpgsqlDataSource dataSource) : ILiveWebhookStore
{
    private const string Columns = """
        webhook_id AS WebhookId, room_id AS RoomId, name AS Name, avatar_url AS AvatarUrl, bot_user_id AS BotUserId,
        token_hash AS TokenHash, created_by AS CreatedBy, created_ts AS CreatedTs, revoked_ts AS RevokedTs
        """;

    private const string InsertSql = """
        INSERT INTO live_webhooks (webhook_id, room_id, name, avatar_url, bot_user_id, token_hash, created_by, created_ts)
        VALUES (@WebhookId, @RoomId, @Name, @AvatarUrl, @BotUserId, @TokenHash, @CreatedBy, @CreatedTs)
        """;

    private const string SelectSql = "SELECT " + Columns + " FROM live_webhooks WHERE webhook_id = @webhookId";

    private const string SelectActiveOfRoomSql = "SELECT " + Columns + """
         FROM live_webhooks WHERE room_id = @roomId AND revoked_ts IS NULL ORDER BY created_ts, webhook_id
        """;

    private const string RevokeSql = """
        UPDATE live_webhooks SET revoked_ts = @nowTs
        WHERE webhook_id = @webhookId AND room_id = @roomId AND revoked_ts IS NULL
        """;

    public async Task InsertAsync(LiveWebhook webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            webhook.WebhookId,
            webhook.RoomId,
            webhook.Name,
            webhook.AvatarUrl,
            webhook.BotUserId,
            webhook.TokenHash,
            webhook.CreatedBy,
            webhook.CreatedTs,
        }, cancellationToken: cancellationToken));
    }

    public async Task<LiveWebhook?> GetAsync(string webhookId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<WebhookRow>(new CommandDefinition(SelectSql,
            new { webhookId }, cancellationToken: cancellationToken));
        return row?.ToWebhook();
    }

    public async Task<IReadOnlyList<LiveWebhook>> ListActiveAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<WebhookRow>(new CommandDefinition(SelectActiveOfRoomSql, new { roomId },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToWebhook()).ToList();
    }

    public async Task<bool> RevokeAsync(string roomId, string webhookId, long nowTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(RevokeSql, new { roomId, webhookId, nowTs },
            cancellationToken: cancellationToken)) == 1;
    }

    private sealed class WebhookRow
    {
        public string WebhookId { get; set; } = "";

        public string RoomId { get; set; } = "";

        public string Name { get; set; } = "";

        public string? AvatarUrl { get; set; }

        public string BotUserId { get; set; } = "";

        public byte[] TokenHash { get; set; } = [];

        public string CreatedBy { get; set; } = "";

        public long CreatedTs { get; set; }

        public long? RevokedTs { get; set; }

        public LiveWebhook ToWebhook() =>
            new(WebhookId, RoomId, Name, AvatarUrl, BotUserId, TokenHash, CreatedBy, CreatedTs, RevokedTs);
    }
}
