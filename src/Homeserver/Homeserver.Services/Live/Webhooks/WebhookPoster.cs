using System.Security.Cryptography;
using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Live.Webhooks;

/// <summary>
/// <c>POST /hooks/{webhookId}/{token}</c>: a post made with a webhook's secret URL becomes an <c>m.room.message</c> of
/// its bot, sent through <see cref="MessagingService"/> like any user's message (so the room's rules for its members
/// apply). An unknown webhook, a revoked one and a wrong token get the same answer. Posts are limited per webhook by a
/// token bucket (<c>Live:WebhookPostsPerSecond</c>, <c>Live:WebhookPostBurst</c>) kept in this process: with several
/// processes behind one address a webhook may post up to that many times more.
/// </summary>
public sealed class WebhookPoster(ILiveWebhookStore store, MessagingService messaging, HomeserverSettings settings,
    TimeProvider time)
{
    private readonly RateLimiter _posts = new(settings.Live.WebhookPosts, enabled: true, time);

    /// <returns>The event ID of the message posted.</returns>
    public async Task<string> PostAsync(string webhookId, string token, JsonElement post,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentNullException.ThrowIfNull(token);
        var webhook = WebhookTokens.IsWellFormedId(webhookId)
            ? await store.GetAsync(webhookId, cancellationToken)
            : null;
        // The token is checked even when there is no webhook, so the answer takes as long whichever it is.
        var tokenMatches = WebhookTokens.Matches(token, webhook?.TokenHash ?? new byte[32]);
        if (webhook is null || webhook.IsRevoked || !tokenMatches)
        {
            throw new MatrixException(ErrorCode.NotFound, "Unknown webhook or wrong token");
        }

        var content = WebhookMessage.ToContent(post);
        _posts.Acquire(webhook.WebhookId);
        var txnId = "hook." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return await messaging.SendAsync(WebhookService.BotRequester(webhook.BotUserId), webhook.RoomId,
            "m.room.message", content, txnId, originServerTs: null, cancellationToken);
    }
}
