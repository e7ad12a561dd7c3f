using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Bridges.Discord.Tests.StandIn;

/// <summary>The stand-in's message routes: create (JSON or multipart), read, history, edit, delete, reactions, typing.</summary>
public sealed partial class DiscordStandIn
{
    private const int GuildMessagesIntent = 9;
    private const int ReactionsIntent = 10;
    private const int TypingIntent = 11;

    private void MapMessages(RouteGroupBuilder api)
    {
        api.MapPost("/channels/{channelId}/messages", async (HttpContext context, string channelId) =>
        {
            var (payload, files, error) = await ReadPayloadAsync(context);
            return error ?? await CreateMessageAsync(channelId, Bot(), payload!, files, webhookId: null);
        });
        api.MapGet("/channels/{channelId}/messages", (string channelId, string? before, string? after, int? limit) =>
        {
            lock (State.Lock)
            {
                if (!State.Messages.TryGetValue(channelId, out var messages))
                {
                    return Error(404, 10003, "Unknown Channel");
                }

                if (after is not null)
                {
                    // The messages right after `after`, newest first, as Discord gives them.
                    var newer = messages.Where(m => CompareIds(m["id"]!.GetValue<string>(), after) > 0).Take(Math.Clamp(limit ?? 50, 1, 100));
                    return Results.Json(new JsonArray([.. newer.Reverse().Select(m => m.DeepClone())]));
                }

                var older = messages.Where(m => before is null || CompareIds(m["id"]!.GetValue<string>(), before) < 0);
                return Results.Json(new JsonArray([.. older.Reverse().Take(Math.Clamp(limit ?? 50, 1, 100)).Select(m => m.DeepClone())]));
            }
        });
        api.MapGet("/channels/{channelId}/messages/{messageId}", (string channelId, string messageId) =>
        {
            lock (State.Lock)
            {
                return State.FindMessage(channelId, messageId) is { } message ? Results.Json(message) : Error(404, 10008, "Unknown Message");
            }
        });
        api.MapPatch("/channels/{channelId}/messages/{messageId}", async (HttpContext context, string channelId, string messageId) =>
        {
            var (payload, _, error) = await ReadPayloadAsync(context);
            return error ?? await EditMessageAsync(channelId, messageId, payload!, requireAuthor: BotId);
        });
        api.MapDelete("/channels/{channelId}/messages/{messageId}", (string channelId, string messageId) =>
            DeleteMessageAsync(channelId, messageId));
        api.MapPut("/channels/{channelId}/messages/{messageId}/reactions/{emoji}/@me", (string channelId, string messageId, string emoji) =>
            ReactAsync(channelId, messageId, Uri.UnescapeDataString(emoji), BotId, add: true));
        api.MapDelete("/channels/{channelId}/messages/{messageId}/reactions/{emoji}/@me", (string channelId, string messageId, string emoji) =>
            ReactAsync(channelId, messageId, Uri.UnescapeDataString(emoji), BotId, add: false));
        api.MapPost("/channels/{channelId}/typing", (string channelId) => TypingAsync(channelId, BotId));
    }

    private JsonObject Bot()
    {
        lock (State.Lock)
        {
            return (JsonObject)State.Bot.DeepClone();
        }
    }

    /// <summary>Makes a message (from the bot, a webhook or a test's user) and dispatches MESSAGE_CREATE.</summary>
    internal async Task<IResult> CreateMessageAsync(string channelId, JsonObject author, JsonObject payload,
        IReadOnlyList<(string Name, string Filename, string ContentType, byte[] Content)> files, string? webhookId)
    {
        JsonObject message;
        lock (State.Lock)
        {
            if (!State.Channels.ContainsKey(channelId))
            {
                return Error(404, 10003, "Unknown Channel");
            }

            var content = payload["content"]?.GetValue<string>() ?? "";
            if (content.Length == 0 && files.Count == 0 && payload["embeds"] is not JsonArray { Count: > 0 })
            {
                return Error(400, 50006, "Cannot send an empty message");
            }

            if (content.Length > 2000)
            {
                return Error(400, 50035, "Invalid Form Body: content must be 2000 or fewer in length.");
            }

            JsonObject? replyTo = null;
            if (payload["message_reference"]?["message_id"]?.GetValue<string>() is { } replyId)
            {
                replyTo = State.FindMessage(channelId, replyId);
                if (replyTo is null && payload["message_reference"]?["fail_if_not_exists"]?.GetValue<bool>() != false)
                {
                    return Error(400, 50035, "Invalid Form Body: message_reference: Unknown message");
                }
            }

            message = State.NewMessage(channelId, author, content, replyTo, webhookId);
            if (payload["nonce"] is { } nonce)
            {
                message["nonce"] = nonce.DeepClone();
            }

            if (payload["embeds"] is JsonArray embeds)
            {
                message["embeds"] = embeds.DeepClone();
            }

            if (payload["allowed_mentions"] is JsonObject allowed)
            {
                // Not part of Discord's message object; kept so tests can see what the bot asked for.
                message["allowed_mentions_sent"] = allowed.DeepClone();
            }

            var attachments = (JsonArray)message["attachments"]!;
            foreach (var (_, filename, contentType, bytes) in files)
            {
                var id = State.NextId();
                State.Files[id] = (contentType, bytes);
                var url = new Uri(BaseUrl, $"attachments/{channelId}/{id}/{Uri.EscapeDataString(filename)}").ToString();
                attachments.Add(new JsonObject
                {
                    ["id"] = id, ["filename"] = filename, ["size"] = bytes.Length, ["url"] = url, ["proxy_url"] = url,
                    ["content_type"] = contentType,
                });
            }

            message = (JsonObject)message.DeepClone();
        }

        await Gateway.PublishAsync("MESSAGE_CREATE", ForGateway(message), GuildMessagesIntent);
        return Results.Json(message);
    }

    internal async Task<IResult> EditMessageAsync(string channelId, string messageId, JsonObject payload, string? requireAuthor)
    {
        JsonObject message;
        lock (State.Lock)
        {
            if (State.FindMessage(channelId, messageId) is not { } stored)
            {
                return Error(404, 10008, "Unknown Message");
            }

            if (requireAuthor is not null && stored["author"]!["id"]!.GetValue<string>() != requireAuthor)
            {
                return Error(403, 50005, "Cannot edit a message authored by another user");
            }

            if (payload["content"] is { } content)
            {
                stored["content"] = content.DeepClone();
            }

            stored["edited_timestamp"] = State.Now();
            message = (JsonObject)stored.DeepClone();
        }

        await Gateway.PublishAsync("MESSAGE_UPDATE", ForGateway(message), GuildMessagesIntent);
        return Results.Json(message);
    }

    internal async Task<IResult> DeleteMessageAsync(string channelId, string messageId)
    {
        lock (State.Lock)
        {
            if (State.FindMessage(channelId, messageId) is not { } stored)
            {
                return Error(404, 10008, "Unknown Message");
            }

            State.Messages[channelId].Remove(stored);
        }

        await Gateway.PublishAsync("MESSAGE_DELETE",
            new JsonObject { ["id"] = messageId, ["channel_id"] = channelId, ["guild_id"] = GuildId }, GuildMessagesIntent);
        return Results.NoContent();
    }

    internal async Task<IResult> ReactAsync(string channelId, string messageId, string emoji, string userId, bool add)
    {
        JsonObject emojiObject;
        JsonObject? member;
        lock (State.Lock)
        {
            if (State.FindMessage(channelId, messageId) is not { } stored)
            {
                return Error(404, 10008, "Unknown Message");
            }

            var separator = emoji.IndexOf(':', StringComparison.Ordinal);
            emojiObject = separator > 0
                ? new JsonObject { ["id"] = emoji[(separator + 1)..], ["name"] = emoji[..separator] }
                : new JsonObject { ["id"] = null, ["name"] = emoji };
            var reactions = stored["reactions"] as JsonArray ?? [];
            stored["reactions"] = reactions;
            var existing = reactions.OfType<JsonObject>().FirstOrDefault(r => r["emoji"]!["name"]!.GetValue<string>() == emojiObject["name"]!.GetValue<string>());
            var users = existing?["users"] as JsonArray;
            var already = users?.Any(u => u!.GetValue<string>() == userId) == true;
            if (add == already)
            {
                return Results.NoContent();
            }

            if (add)
            {
                if (existing is null)
                {
                    existing = new JsonObject { ["emoji"] = emojiObject.DeepClone(), ["count"] = 0, ["me"] = false, ["users"] = new JsonArray() };
                    reactions.Add(existing);
                }

                ((JsonArray)existing["users"]!).Add(userId);
            }
            else
            {
                var list = (JsonArray)existing!["users"]!;
                list.Remove(list.First(u => u!.GetValue<string>() == userId));
            }

            var count = ((JsonArray)existing["users"]!).Count;
            existing["count"] = count;
            existing["me"] = ((JsonArray)existing["users"]!).Any(u => u!.GetValue<string>() == BotId);
            if (count == 0)
            {
                reactions.Remove(existing);
            }

            member = add && State.Users.TryGetValue(userId, out var user) ? StandInState.Member(user) : null;
        }

        var data = new JsonObject
        {
            ["user_id"] = userId, ["channel_id"] = channelId, ["message_id"] = messageId, ["guild_id"] = GuildId, ["emoji"] = emojiObject,
            ["burst"] = false, ["type"] = 0,
        };
        if (member is not null)
        {
            data["member"] = member;
        }

        await Gateway.PublishAsync(add ? "MESSAGE_REACTION_ADD" : "MESSAGE_REACTION_REMOVE", data, ReactionsIntent);
        return Results.NoContent();
    }

    internal async Task<IResult> TypingAsync(string channelId, string userId)
    {
        JsonObject member;
        lock (State.Lock)
        {
            if (!State.Channels.ContainsKey(channelId))
            {
                return Error(404, 10003, "Unknown Channel");
            }

            member = StandInState.Member(State.Users[userId]);
        }

        await Gateway.PublishAsync("TYPING_START", new JsonObject
        {
            ["user_id"] = userId, ["channel_id"] = channelId, ["guild_id"] = GuildId,
            ["timestamp"] = Now.ToUnixTimeSeconds(), ["member"] = member,
        }, TypingIntent);
        return Results.NoContent();
    }

    private JsonObject ForGateway(JsonObject message)
    {
        lock (State.Lock)
        {
            return State.ForGateway(message);
        }
    }

    /// <summary>The body of a create or edit: JSON, or multipart with <c>payload_json</c> and <c>files[n]</c>.</summary>
    internal static async Task<(JsonObject? Payload, List<(string Name, string Filename, string ContentType, byte[] Content)> Files, IResult? Error)>
        ReadPayloadAsync(HttpContext context)
    {
        var files = new List<(string, string, string, byte[])>();
        try
        {
            if (context.Request.HasFormContentType)
            {
                var form = await context.Request.ReadFormAsync();
                foreach (var file in form.Files)
                {
                    using var stream = new MemoryStream();
                    await file.CopyToAsync(stream);
                    files.Add((file.Name, file.FileName, file.ContentType ?? "application/octet-stream", stream.ToArray()));
                }

                var json = form["payload_json"].ToString();
                return (json.Length == 0 ? [] : JsonNode.Parse(json) as JsonObject ?? [], files, null);
            }

            var body = await JsonNode.ParseAsync(context.Request.Body);
            return (body as JsonObject ?? [], files, null);
        }
        catch (JsonException)
        {
            return (null, files, Error(400, 50109, "The request body contains invalid JSON."));
        }
    }

    private static int CompareIds(string left, string right) =>
        ulong.Parse(left, CultureInfo.InvariantCulture).CompareTo(ulong.Parse(right, CultureInfo.InvariantCulture));
}
