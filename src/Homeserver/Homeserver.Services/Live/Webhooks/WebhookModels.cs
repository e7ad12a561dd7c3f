namespace Homeserver.Services.Live.Webhooks;

/// <summary>An incoming webhook of a room, as stored: the token only as its SHA-256.</summary>
/// <param name="RevokedTs">When it was revoked; null while it works.</param>
public sealed record LiveWebhook(string WebhookId, string RoomId, string Name, string? AvatarUrl, string BotUserId,
    byte[] TokenHash, string CreatedBy, long CreatedTs, long? RevokedTs)
{
    public bool IsRevoked => RevokedTs is not null;
}

/// <summary>A webhook just made, with its token: the one time the token is seen.</summary>
public sealed record CreatedWebhook(LiveWebhook Webhook, string Token);

/// <summary>The <c>live_webhooks</c> table.</summary>
public interface ILiveWebhookStore
{
    Task InsertAsync(LiveWebhook webhook, CancellationToken cancellationToken);

    /// <summary>The webhook, revoked or not; null when there is none with this ID.</summary>
    Task<LiveWebhook?> GetAsync(string webhookId, CancellationToken cancellationToken);

    /// <summary>The room's webhooks that are not revoked, oldest first.</summary>
    Task<IReadOnlyList<LiveWebhook>> ListActiveAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>Revokes the room's webhook; false when it is not the room's or already revoked.</summary>
    Task<bool> RevokeAsync(string roomId, string webhookId, long nowTs, CancellationToken cancellationToken);
}
