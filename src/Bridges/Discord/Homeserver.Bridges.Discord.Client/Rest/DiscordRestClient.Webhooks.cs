using Homeserver.Bridges.Discord.Client.Models;

namespace Homeserver.Bridges.Discord.Client.Rest;

/// <summary>Webhooks: how Matrix users appear in Discord under their own names and avatars.</summary>
public sealed partial class DiscordRestClient
{
    /// <summary>POST /channels/{channel.id}/webhooks.</summary>
    public Task<DiscordWebhook> CreateWebhookAsync(Snowflake channelId, string name, CancellationToken cancellationToken = default) =>
        SendAsync<DiscordWebhook>(HttpMethod.Post, $"channels/{channelId}/webhooks", new { name }, cancellationToken);

    /// <summary>GET /channels/{channel.id}/webhooks.</summary>
    public Task<IReadOnlyList<DiscordWebhook>> GetChannelWebhooksAsync(Snowflake channelId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<DiscordWebhook>>(HttpMethod.Get, $"channels/{channelId}/webhooks", null, cancellationToken);

    /// <summary>DELETE /webhooks/{webhook.id}/{webhook.token} (no bot token needed).</summary>
    public Task DeleteWebhookAsync(Snowflake webhookId, string token, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"webhooks/{webhookId}/{Segment(token)}", null, cancellationToken);

    /// <summary>POST /webhooks/{webhook.id}/{webhook.token}?wait=true (the posted message comes back), with
    /// <c>thread_id</c> to post into a thread of the webhook's channel.</summary>
    public async Task<DiscordMessage> ExecuteWebhookAsync(Snowflake webhookId, string token, MessageCreate message,
        IReadOnlyList<FileUpload>? files = null, Snowflake? threadId = null, CancellationToken cancellationToken = default)
    {
        var path = $"webhooks/{webhookId}/{Segment(token)}?wait=true" + (threadId is { } thread ? $"&thread_id={thread}" : "");
        using var response = await SendRawAsync(HttpMethod.Post, path,
            () => files is { Count: > 0 } ? Multipart(message, files) : JsonContent(message), cancellationToken);
        return await response.Content.ReadFromJsonAsyncSafe<DiscordMessage>(cancellationToken)
            ?? throw new DiscordApiException("Discord answered a webhook execute with wait=true without the message");
    }

    /// <summary>PATCH /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}.</summary>
    public Task<DiscordMessage> EditWebhookMessageAsync(Snowflake webhookId, string token, Snowflake messageId, MessageCreate edit,
        Snowflake? threadId = null, CancellationToken cancellationToken = default) =>
        SendAsync<DiscordMessage>(HttpMethod.Patch,
            $"webhooks/{webhookId}/{Segment(token)}/messages/{messageId}" + (threadId is { } thread ? $"?thread_id={thread}" : ""),
            edit, cancellationToken);

    /// <summary>DELETE /webhooks/{webhook.id}/{webhook.token}/messages/{message.id}.</summary>
    public Task DeleteWebhookMessageAsync(Snowflake webhookId, string token, Snowflake messageId, Snowflake? threadId = null,
        CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete,
            $"webhooks/{webhookId}/{Segment(token)}/messages/{messageId}" + (threadId is { } thread ? $"?thread_id={thread}" : ""),
            null, cancellationToken);
}
