using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Bridges.Discord.Tests.StandIn;

/// <summary>What tests do as Discord users: each acts on the stand-in's state and dispatches what Discord would.</summary>
public sealed partial class DiscordStandIn
{
    /// <summary>Alice (or another user) posts in a channel; the bot receives MESSAGE_CREATE.</summary>
    public async Task<JsonObject> PostAsUserAsync(string channelId, string username, string content, string? replyTo = null)
    {
        JsonObject author;
        lock (State.Lock)
        {
            author = (JsonObject)State.Users[UserId(username)].DeepClone();
        }

        var payload = new JsonObject { ["content"] = content };
        if (replyTo is not null)
        {
            payload["message_reference"] = new JsonObject { ["message_id"] = replyTo };
        }

        var result = await CreateMessageAsync(channelId, author, payload, [], webhookId: null);
        return Value(result);
    }

    /// <summary>A user posts a file (with optional text) in a channel; its URL is the stand-in's attachment route.</summary>
    public async Task<JsonObject> PostFileAsUserAsync(string channelId, string username, string filename, string contentType,
        byte[] content, string text = "")
    {
        JsonObject author;
        lock (State.Lock)
        {
            author = (JsonObject)State.Users[UserId(username)].DeepClone();
        }

        var result = await CreateMessageAsync(channelId, author, new JsonObject { ["content"] = text },
            [("files[0]", filename, contentType, content)], webhookId: null);
        return Value(result);
    }

    public async Task<JsonObject> EditAsUserAsync(string channelId, string messageId, string content) =>
        Value(await EditMessageAsync(channelId, messageId, new JsonObject { ["content"] = content }, requireAuthor: null));

    public Task DeleteAsUserAsync(string channelId, string messageId) => DeleteMessageAsync(channelId, messageId);

    public Task ReactAsUserAsync(string channelId, string messageId, string username, string emoji, bool add = true) =>
        ReactAsync(channelId, messageId, emoji, UserId(username), add);

    public Task TypeAsUserAsync(string channelId, string username) => TypingAsync(channelId, UserId(username));

    /// <summary>A new member joins the guild (GUILD_MEMBER_ADD).</summary>
    public async Task<string> AddMemberAsync(string username)
    {
        JsonObject member;
        lock (State.Lock)
        {
            var user = State.AddUser(username);
            member = StandInState.Member(user);
            member["guild_id"] = GuildId;
        }

        await Gateway.PublishAsync("GUILD_MEMBER_ADD", member, intent: 1);
        return member["user"]!["id"]!.GetValue<string>();
    }

    /// <summary>A new text channel (CHANNEL_CREATE).</summary>
    public async Task<string> AddChannelAsync(string name)
    {
        JsonObject channel;
        lock (State.Lock)
        {
            channel = (JsonObject)State.AddChannel(name).DeepClone();
        }

        await Gateway.PublishAsync("CHANNEL_CREATE", channel, intent: 0);
        return channel["id"]!.GetValue<string>();
    }

    /// <summary>A user starts a thread in a channel, from one of its messages (the thread takes the message's ID) or
    /// on its own; the bot receives THREAD_CREATE. Returns the thread's ID.</summary>
    public async Task<string> StartThreadAsUserAsync(string channelId, string username, string name, string? fromMessageId = null) =>
        Value(await CreateThreadAsync(channelId, new JsonObject { ["name"] = name }, fromMessageId, UserId(username)))["id"]!.GetValue<string>();

    /// <summary>A thread is renamed (THREAD_UPDATE) or deleted (THREAD_DELETE, its messages gone).</summary>
    public async Task ChangeThreadAsync(string threadId, string? newName, bool delete = false)
    {
        JsonObject data;
        lock (State.Lock)
        {
            var thread = State.Channels[threadId];
            if (delete)
            {
                State.Channels.Remove(threadId);
                State.Messages.Remove(threadId);
                data = new JsonObject
                {
                    ["id"] = threadId, ["guild_id"] = GuildId, ["parent_id"] = thread["parent_id"]?.DeepClone(), ["type"] = thread["type"]!.DeepClone(),
                };
            }
            else
            {
                thread["name"] = newName;
                data = (JsonObject)thread.DeepClone();
            }
        }

        await Gateway.PublishAsync(delete ? "THREAD_DELETE" : "THREAD_UPDATE", data, intent: 0);
    }

    /// <summary>The guild's name or icon changes (GUILD_UPDATE); a new icon gets a fresh hash, served at the CDN path
    /// <c>icons/{guild}/{hash}.png</c>.</summary>
    public async Task UpdateGuildAsync(string? name = null, bool newIcon = false)
    {
        JsonObject guild;
        lock (State.Lock)
        {
            if (name is not null)
            {
                State.Guild["name"] = name;
            }

            if (newIcon)
            {
                State.Guild["icon"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            }

            guild = (JsonObject)State.Guild.DeepClone();
        }

        await Gateway.PublishAsync("GUILD_UPDATE", guild, intent: 0);
    }

    private static JsonObject Value(IResult result) => result is IValueHttpResult { Value: JsonObject value }
        ? value
        : throw new InvalidOperationException("the stand-in refused: " + ((result as IValueHttpResult)?.Value?.ToString() ?? result.GetType().Name));
}
