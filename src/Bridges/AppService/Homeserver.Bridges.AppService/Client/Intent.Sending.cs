using System.Text.Json.Nodes;

namespace Homeserver.Bridges.AppService.Client;

/// <summary>Sending as the intent's user: events, state, redactions, reactions, typing and media.</summary>
public sealed partial class Intent
{
    /// <summary>Sends a message event (spec: PUT /rooms/{roomId}/send/{eventType}/{txnId}, <c>?ts=</c>); returns its
    /// event ID. Joins first if needed.</summary>
    public async Task<string> SendEventAsync(string roomId, string eventType, JsonObject content, SendOptions? options,
        CancellationToken cancellationToken)
    {
        await EnsureJoinedAsync(roomId, cancellationToken);
        var txnId = options?.TransactionId ?? _intents.TransactionIds.Next();
        var answer = await Client.SendJsonAsync(HttpMethod.Put,
            $"{ClientV3}/rooms/{MatrixClient.Segment(roomId)}/send/{MatrixClient.Segment(eventType)}/{MatrixClient.Segment(txnId)}",
            content, AsUser, Timestamp(options), cancellationToken);
        return Required(answer, "event_id");
    }

    /// <summary>Sends an <c>m.room.message</c> with <paramref name="content"/>.</summary>
    public Task<string> SendMessageAsync(string roomId, JsonObject content, SendOptions? options, CancellationToken cancellationToken) =>
        SendEventAsync(roomId, "m.room.message", content, options, cancellationToken);

    /// <summary>Sends a text message (<c>m.text</c>, or <c>m.notice</c> for the bot's own notices), with an HTML form
    /// and a reply relation when given.</summary>
    public Task<string> SendTextAsync(string roomId, string body, string? html = null, string? replyTo = null, bool notice = false,
        SendOptions? options = null, CancellationToken cancellationToken = default)
    {
        var content = new JsonObject { ["msgtype"] = notice ? "m.notice" : "m.text", ["body"] = body };
        if (html is not null)
        {
            content["format"] = "org.matrix.custom.html";
            content["formatted_body"] = html;
        }

        if (replyTo is not null)
        {
            content["m.relates_to"] = new JsonObject { ["m.in_reply_to"] = new JsonObject { ["event_id"] = replyTo } };
        }

        return SendMessageAsync(roomId, content, options, cancellationToken);
    }

    /// <summary>Reacts to <paramref name="eventId"/> with <paramref name="key"/> (an <c>m.annotation</c>).</summary>
    public Task<string> ReactAsync(string roomId, string eventId, string key, SendOptions? options, CancellationToken cancellationToken) =>
        SendEventAsync(roomId, "m.reaction", new JsonObject
        {
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.annotation", ["event_id"] = eventId, ["key"] = key },
        }, options, cancellationToken);

    /// <summary>Sends a state event (spec: PUT /rooms/{roomId}/state/{eventType}/{stateKey}); returns its event ID.</summary>
    public async Task<string> SendStateAsync(string roomId, string eventType, string stateKey, JsonObject content, SendOptions? options,
        CancellationToken cancellationToken)
    {
        await EnsureJoinedAsync(roomId, cancellationToken);
        var answer = await Client.SendJsonAsync(HttpMethod.Put,
            $"{ClientV3}/rooms/{MatrixClient.Segment(roomId)}/state/{MatrixClient.Segment(eventType)}/{MatrixClient.Segment(stateKey)}",
            content, AsUser, Timestamp(options), cancellationToken);
        return Required(answer, "event_id");
    }

    /// <summary>Redacts <paramref name="eventId"/> (spec: PUT /rooms/{roomId}/redact/{eventId}/{txnId}); returns the
    /// redaction's event ID.</summary>
    public async Task<string> RedactAsync(string roomId, string eventId, string? reason, SendOptions? options,
        CancellationToken cancellationToken)
    {
        await EnsureJoinedAsync(roomId, cancellationToken);
        var txnId = options?.TransactionId ?? _intents.TransactionIds.Next();
        var body = reason is null ? new JsonObject() : new JsonObject { ["reason"] = reason };
        var answer = await Client.SendJsonAsync(HttpMethod.Put,
            $"{ClientV3}/rooms/{MatrixClient.Segment(roomId)}/redact/{MatrixClient.Segment(eventId)}/{MatrixClient.Segment(txnId)}",
            body, AsUser, Timestamp(options), cancellationToken);
        return Required(answer, "event_id");
    }

    /// <summary>Starts or stops typing (spec: PUT /rooms/{roomId}/typing/{userId}).</summary>
    public async Task SetTypingAsync(string roomId, bool typing, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await EnsureJoinedAsync(roomId, cancellationToken);
        var body = new JsonObject { ["typing"] = typing };
        if (typing)
        {
            body["timeout"] = (long)timeout.TotalMilliseconds;
        }

        await Client.SendJsonAsync(HttpMethod.Put,
            $"{ClientV3}/rooms/{MatrixClient.Segment(roomId)}/typing/{MatrixClient.Segment(UserId)}", body, AsUser, null,
            cancellationToken);
    }

    /// <summary>Uploads media as this user (spec: POST /_matrix/media/v3/upload); returns its <c>mxc://</c> URI.</summary>
    public async Task<string> UploadAsync(byte[] content, string contentType, string? fileName, CancellationToken cancellationToken)
    {
        await EnsureRegisteredAsync(cancellationToken);
        var query = fileName is null ? null : new List<KeyValuePair<string, string>> { new("filename", fileName) };
        var answer = await Client.SendAsync(HttpMethod.Post, "/_matrix/media/v3/upload", content, contentType, AsUser, query,
            cancellationToken);
        return Required(answer, "content_uri");
    }

    private static List<KeyValuePair<string, string>>? Timestamp(SendOptions? options) =>
        options?.Timestamp is { } ts ? [new("ts", MatrixClient.Millis(ts))] : null;
}
