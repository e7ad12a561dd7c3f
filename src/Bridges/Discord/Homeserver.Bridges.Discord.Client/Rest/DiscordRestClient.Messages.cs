using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Homeserver.Bridges.Discord.Client.Models;

namespace Homeserver.Bridges.Discord.Client.Rest;

/// <summary>Messages, reactions, typing and history.</summary>
public sealed partial class DiscordRestClient
{
    /// <summary>POST /channels/{channel.id}/messages (multipart with <c>files[n]</c> and <c>payload_json</c> when
    /// files are given).</summary>
    public async Task<DiscordMessage> CreateMessageAsync(Snowflake channelId, MessageCreate message,
        IReadOnlyList<FileUpload>? files = null, CancellationToken cancellationToken = default)
    {
        var path = $"channels/{channelId}/messages";
        if (files is not { Count: > 0 })
        {
            return await SendAsync<DiscordMessage>(HttpMethod.Post, path, message, cancellationToken);
        }

        using var response = await SendRawAsync(HttpMethod.Post, path, () => Multipart(message, files), cancellationToken);
        return await response.Content.ReadFromJsonAsyncSafe<DiscordMessage>(cancellationToken)
            ?? throw new DiscordApiException("Discord answered a message create without the message");
    }

    /// <summary>PATCH /channels/{channel.id}/messages/{message.id}.</summary>
    public Task<DiscordMessage> EditMessageAsync(Snowflake channelId, Snowflake messageId, MessageCreate edit,
        CancellationToken cancellationToken = default) =>
        SendAsync<DiscordMessage>(HttpMethod.Patch, $"channels/{channelId}/messages/{messageId}", edit, cancellationToken);

    /// <summary>DELETE /channels/{channel.id}/messages/{message.id}.</summary>
    public Task DeleteMessageAsync(Snowflake channelId, Snowflake messageId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{channelId}/messages/{messageId}", null, cancellationToken);

    /// <summary>GET /channels/{channel.id}/messages/{message.id}.</summary>
    public Task<DiscordMessage> GetMessageAsync(Snowflake channelId, Snowflake messageId, CancellationToken cancellationToken = default) =>
        SendAsync<DiscordMessage>(HttpMethod.Get, $"channels/{channelId}/messages/{messageId}", null, cancellationToken);

    /// <summary>GET /channels/{channel.id}/messages?before=&amp;limit= (newest first, at most 100), for backfill.</summary>
    public Task<IReadOnlyList<DiscordMessage>> GetMessagesAsync(Snowflake channelId, Snowflake? before = null, int limit = 50,
        CancellationToken cancellationToken = default)
    {
        var query = $"?limit={Math.Clamp(limit, 1, 100).ToString(CultureInfo.InvariantCulture)}";
        if (before is { } id)
        {
            query += $"&before={id}";
        }

        return SendAsync<IReadOnlyList<DiscordMessage>>(HttpMethod.Get, $"channels/{channelId}/messages{query}", null, cancellationToken);
    }

    /// <summary>GET /channels/{channel.id}/messages?after=&amp;limit=: the (at most 100) messages right after
    /// <paramref name="after"/>, for catching up; sort them, Discord gives them newest first.</summary>
    public Task<IReadOnlyList<DiscordMessage>> GetMessagesAfterAsync(Snowflake channelId, Snowflake after, int limit = 100,
        CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<DiscordMessage>>(HttpMethod.Get,
            $"channels/{channelId}/messages?limit={Math.Clamp(limit, 1, 100).ToString(CultureInfo.InvariantCulture)}&after={after}", null,
            cancellationToken);

    /// <summary>PUT /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me.</summary>
    public Task AddReactionAsync(Snowflake channelId, Snowflake messageId, string emoji, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"channels/{channelId}/messages/{messageId}/reactions/{Segment(emoji)}/@me", null, cancellationToken);

    /// <summary>DELETE /channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me.</summary>
    public Task RemoveReactionAsync(Snowflake channelId, Snowflake messageId, string emoji, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{channelId}/messages/{messageId}/reactions/{Segment(emoji)}/@me", null, cancellationToken);

    /// <summary>POST /channels/{channel.id}/typing.</summary>
    public Task TriggerTypingAsync(Snowflake channelId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"channels/{channelId}/typing", null, cancellationToken);

    /// <summary>The multipart form Discord takes for uploads: <c>payload_json</c> plus <c>files[n]</c>, each named in
    /// the payload's <c>attachments</c> by index.</summary>
    internal static MultipartFormDataContent Multipart(MessageCreate message, IReadOnlyList<FileUpload> files)
    {
        var withAttachments = message with
        {
            Attachments = [.. files.Select((file, index) => new AttachmentPart
            {
                Id = index, Filename = file.Filename, Description = file.Description,
            })],
        };
        var form = new MultipartFormDataContent();
        var payload = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(withAttachments, DiscordJson.Options));
        payload.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(payload, "payload_json");
        for (var i = 0; i < files.Count; i++)
        {
            var part = new ReadOnlyMemoryContent(files[i].Content);
            part.Headers.ContentType = MediaTypeHeaderValue.TryParse(files[i].ContentType, out var type)
                ? type : new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, $"files[{i.ToString(CultureInfo.InvariantCulture)}]", files[i].Filename);
        }

        return form;
    }
}
