using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Bridges.Discord.Tests.StandIn;

/// <summary>The stand-in's other routes: the gateway URL, users, guilds, channels, members, webhooks and threads.</summary>
public sealed partial class DiscordStandIn
{
    private void MapReads(RouteGroupBuilder api)
    {
        api.MapGet("/gateway", () => Results.Json(new JsonObject { ["url"] = GatewayUrl.ToString().TrimEnd('/') }));
        api.MapGet("/gateway/bot", () => Results.Json(new JsonObject
        {
            ["url"] = GatewayUrl.ToString().TrimEnd('/'), ["shards"] = 1,
            ["session_start_limit"] = new JsonObject { ["total"] = 1000, ["remaining"] = 999, ["reset_after"] = 14400000, ["max_concurrency"] = 1 },
        }));
        api.MapGet("/users/@me", () => Results.Json(Bot()));
        api.MapGet("/users/{userId}", (string userId) => Locked(() =>
            State.Users.TryGetValue(userId, out var user) ? Results.Json(user) : Error(404, 10013, "Unknown User")));
        api.MapGet("/guilds/{guildId}", (string guildId) => Locked(() =>
            guildId == GuildId ? Results.Json(State.Guild) : Error(404, 10004, "Unknown Guild")));
        api.MapGet("/guilds/{guildId}/channels", (string guildId) => Locked(() => guildId == GuildId
            ? Results.Json(new JsonArray([.. State.Channels.Values.Where(c => c["type"]!.GetValue<int>() is not (10 or 11 or 12)).Select(c => c.DeepClone())]))
            : Error(404, 10004, "Unknown Guild")));
        api.MapGet("/guilds/{guildId}/members/{userId}", (string guildId, string userId) => Locked(() =>
            guildId == GuildId && State.Users.TryGetValue(userId, out var user) ? Results.Json(StandInState.Member(user)) : Error(404, 10007, "Unknown Member")));
        api.MapGet("/guilds/{guildId}/members", (string guildId, int? limit, string? after) => Locked(() => guildId == GuildId
            ? Results.Json(new JsonArray([.. State.Users.Values
                .Where(u => after is null || string.CompareOrdinal(u["id"]!.GetValue<string>().PadLeft(20, '0'), after.PadLeft(20, '0')) > 0)
                .OrderBy(u => u["id"]!.GetValue<string>().PadLeft(20, '0'), StringComparer.Ordinal)
                .Take(Math.Clamp(limit ?? 1, 1, 1000)).Select(u => (JsonNode)StandInState.Member(u))]))
            : Error(404, 10004, "Unknown Guild")));
        api.MapGet("/channels/{channelId}", (string channelId) => Locked(() =>
            State.Channels.TryGetValue(channelId, out var channel) ? Results.Json(channel) : Error(404, 10003, "Unknown Channel")));
    }

    private void MapWebhooksAndThreads(RouteGroupBuilder api)
    {
        api.MapPost("/channels/{channelId}/webhooks", async (HttpContext context, string channelId) =>
        {
            var (payload, _, error) = await ReadPayloadAsync(context);
            if (error is not null)
            {
                return error;
            }

            return Locked(() =>
            {
                if (!State.Channels.ContainsKey(channelId))
                {
                    return Error(404, 10003, "Unknown Channel");
                }

                var name = payload!["name"]?.GetValue<string>();
                if (string.IsNullOrEmpty(name) || name.Length > 80)
                {
                    return Error(400, 50035, "Invalid Form Body: name must be between 1 and 80 in length.");
                }

                var webhook = new JsonObject
                {
                    ["application_id"] = BotId, ["avatar"] = null, ["channel_id"] = channelId, ["guild_id"] = GuildId,
                    ["id"] = State.NextId(), ["name"] = name, ["type"] = 1, ["user"] = State.Bot.DeepClone(),
                    ["token"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).Replace('+', '-').Replace('/', '_').TrimEnd('='),
                };
                State.Webhooks[webhook["id"]!.GetValue<string>()] = webhook;
                return Results.Json(webhook);
            });
        });
        api.MapGet("/channels/{channelId}/webhooks", (string channelId) => Locked(() =>
            Results.Json(new JsonArray([.. State.Webhooks.Values.Where(w => w["channel_id"]!.GetValue<string>() == channelId).Select(w => w.DeepClone())]))));
        api.MapPost("/webhooks/{webhookId}/{token}", async (HttpContext context, string webhookId, string token, bool? wait, string? thread_id) =>
        {
            if (Webhook(webhookId, token) is not { } webhook)
            {
                return Error(401, 50027, "Invalid Webhook Token");
            }

            var (payload, files, error) = await ReadPayloadAsync(context);
            if ((error ?? UsernameError(payload!["username"]?.GetValue<string>())) is { } refused)
            {
                return refused;
            }

            var author = new JsonObject
            {
                ["id"] = webhookId, ["username"] = payload!["username"]?.GetValue<string>() ?? webhook["name"]!.GetValue<string>(),
                ["avatar"] = payload["avatar_url"] is null ? null : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                ["discriminator"] = "0000", ["public_flags"] = 0, ["flags"] = 0, ["bot"] = true, ["global_name"] = null,
            };
            var channelId = thread_id ?? webhook["channel_id"]!.GetValue<string>();
            if (thread_id is not null && !IsThreadOf(thread_id, webhook["channel_id"]!.GetValue<string>()))
            {
                return Error(400, 10003, "Unknown Channel");
            }

            var result = await CreateMessageAsync(channelId, author, payload, files, webhookId);
            if (payload["avatar_url"] is { } avatarUrl)
            {
                lock (State.Lock)
                {
                    // Kept so tests can see the avatar the bot asked for (Discord serves its own copy by hash).
                    State.Messages[channelId].LastOrDefault()?.Add("avatar_url_sent", avatarUrl.DeepClone());
                }
            }

            return wait == true || result is not IStatusCodeHttpResult { StatusCode: 200 } ? result : Results.NoContent();
        });
        api.MapPatch("/webhooks/{webhookId}/{token}/messages/{messageId}", async (HttpContext context, string webhookId, string token,
            string messageId, string? thread_id) =>
        {
            if (Webhook(webhookId, token) is not { } webhook)
            {
                return Error(401, 50027, "Invalid Webhook Token");
            }

            var (payload, _, error) = await ReadPayloadAsync(context);
            return error ?? await EditMessageAsync(thread_id ?? webhook["channel_id"]!.GetValue<string>(), messageId, payload!, requireAuthor: webhookId);
        });
        api.MapDelete("/webhooks/{webhookId}/{token}/messages/{messageId}", async (string webhookId, string token, string messageId, string? thread_id) =>
            Webhook(webhookId, token) is { } webhook
                ? await DeleteMessageAsync(thread_id ?? webhook["channel_id"]!.GetValue<string>(), messageId)
                : Error(401, 50027, "Invalid Webhook Token"));
        api.MapPost("/channels/{channelId}/messages/{messageId}/threads", async (HttpContext context, string channelId, string messageId) =>
        {
            var (payload, _, error) = await ReadPayloadAsync(context);
            return error ?? await CreateThreadAsync(channelId, payload!, messageId);
        });
        api.MapPost("/channels/{channelId}/threads", async (HttpContext context, string channelId) =>
        {
            var (payload, _, error) = await ReadPayloadAsync(context);
            return error ?? await CreateThreadAsync(channelId, payload!, fromMessage: null);
        });
    }

    private const int HasThreadFlag = 1 << 5;

    internal async Task<IResult> CreateThreadAsync(string channelId, JsonObject payload, string? fromMessage, string? ownerId = null)
    {
        JsonObject thread;
        JsonObject? starter = null;
        lock (State.Lock)
        {
            if (!State.Channels.ContainsKey(channelId))
            {
                return Error(404, 10003, "Unknown Channel");
            }

            var name = payload["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name) || name.Length > 100)
            {
                return Error(400, 50035, "Invalid Form Body: name must be between 1 and 100 in length.");
            }

            if (fromMessage is not null && (starter = State.FindMessage(channelId, fromMessage)) is null)
            {
                return Error(404, 10008, "Unknown Message");
            }

            if (fromMessage is not null && State.Channels.ContainsKey(fromMessage))
            {
                return Error(400, 160004, "A thread has already been created for this message");
            }

            // A thread started from a message takes the message's ID, as on Discord.
            var created = State.AddChannel(name, payload["type"]?.GetValue<int>() ?? 11, channelId, fromMessage);
            if (ownerId is not null)
            {
                created["owner_id"] = ownerId;
            }

            thread = (JsonObject)created.DeepClone();
            if (starter is not null)
            {
                starter["thread"] = thread.DeepClone();
                starter["flags"] = (starter["flags"]?.GetValue<int>() ?? 0) | HasThreadFlag;
                starter = (JsonObject)starter.DeepClone();
            }
        }

        var dispatched = (JsonObject)thread.DeepClone();
        dispatched["newly_created"] = true;
        await Gateway.PublishAsync("THREAD_CREATE", dispatched, intent: 0);
        if (starter is not null)
        {
            // Discord updates the starter too (its thread and the HAS_THREAD flag), with no edit time.
            await Gateway.PublishAsync("MESSAGE_UPDATE", ForGateway(starter), GuildMessagesIntent);
        }

        return Results.Json(thread, statusCode: 201);
    }

    private bool IsThreadOf(string threadId, string channelId)
    {
        lock (State.Lock)
        {
            return State.Channels.TryGetValue(threadId, out var thread) && thread["type"]!.GetValue<int>() is 10 or 11 or 12 &&
                   thread["parent_id"]?.GetValue<string>() == channelId;
        }
    }

    private JsonObject? Webhook(string webhookId, string token)
    {
        lock (State.Lock)
        {
            return State.Webhooks.TryGetValue(webhookId, out var webhook) && webhook["token"]!.GetValue<string>() == token
                ? (JsonObject)webhook.DeepClone()
                : null;
        }
    }

    private IResult Locked(Func<IResult> read)
    {
        lock (State.Lock)
        {
            return read();
        }
    }
}
