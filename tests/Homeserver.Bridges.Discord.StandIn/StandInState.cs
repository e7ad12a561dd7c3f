using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Homeserver.Bridges.Discord.Tests.StandIn;

/// <summary>
/// What the Discord stand-in knows: one guild with text channels, users (the bot among them), messages, webhooks and
/// reactions, as JSON shaped the way Discord shapes it. Everything under <see cref="Lock"/>.
/// </summary>
public sealed class StandInState(TimeProvider time)
{
    private long _increment;

    public Lock Lock { get; } = new();

    public JsonObject Bot { get; private set; } = null!;

    public JsonObject Guild { get; private set; } = null!;

    public Dictionary<string, JsonObject> Users { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, JsonObject> Channels { get; } = new(StringComparer.Ordinal);

    /// <summary>Messages per channel, oldest first.</summary>
    public Dictionary<string, List<JsonObject>> Messages { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, JsonObject> Webhooks { get; } = new(StringComparer.Ordinal);

    /// <summary>Files uploaded with messages, by attachment ID.</summary>
    public Dictionary<string, (string ContentType, byte[] Content)> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>A new snowflake: milliseconds since Discord's epoch in the top bits, a counter below.</summary>
    public string NextId()
    {
        var milliseconds = time.GetUtcNow().ToUnixTimeMilliseconds() - 1420070400000;
        var increment = Interlocked.Increment(ref _increment) & 0xFFF;
        return (((ulong)milliseconds << 22) | (1UL << 17) | (ulong)increment).ToString(CultureInfo.InvariantCulture);
    }

    public string Now() => time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff+00:00", CultureInfo.InvariantCulture);

    /// <summary>Creates the guild "Stand-in Guild" with #general and #random, the bot and one member, Alice.</summary>
    public void Seed()
    {
        Bot = AddUser("stand-in-bot", bot: true);
        var guildId = NextId();
        Guild = new JsonObject
        {
            ["id"] = guildId, ["name"] = "Stand-in Guild", ["icon"] = null, ["description"] = null, ["splash"] = null,
            ["discovery_splash"] = null, ["banner"] = null, ["owner_id"] = Bot["id"]!.GetValue<string>(), ["region"] = "us-west",
            ["afk_channel_id"] = null, ["afk_timeout"] = 300, ["verification_level"] = 0, ["default_message_notifications"] = 0,
            ["explicit_content_filter"] = 0, ["features"] = new JsonArray(), ["mfa_level"] = 0, ["system_channel_id"] = null,
            ["system_channel_flags"] = 0, ["rules_channel_id"] = null, ["vanity_url_code"] = null, ["premium_tier"] = 0,
            ["premium_subscription_count"] = 0, ["preferred_locale"] = "en-US", ["public_updates_channel_id"] = null,
            ["nsfw_level"] = 0, ["premium_progress_bar_enabled"] = false, ["max_members"] = 500000,
            ["roles"] = new JsonArray(new JsonObject
            {
                ["id"] = guildId, ["name"] = "@everyone", ["color"] = 0, ["hoist"] = false, ["icon"] = null, ["unicode_emoji"] = null,
                ["position"] = 0, ["permissions"] = "2248473465835073", ["managed"] = false, ["mentionable"] = false, ["flags"] = 0,
            }),
            ["emojis"] = new JsonArray(), ["stickers"] = new JsonArray(),
        };
        AddChannel("general");
        AddChannel("random");
        AddUser("alice");
    }

    public string GuildId => Guild["id"]!.GetValue<string>();

    public JsonObject AddUser(string username, bool bot = false)
    {
        var user = new JsonObject
        {
            ["id"] = NextId(), ["username"] = username, ["discriminator"] = "0", ["global_name"] = bot ? null : char.ToUpperInvariant(username[0]) + username[1..],
            ["avatar"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), ["public_flags"] = 0, ["flags"] = 0,
            ["banner"] = null, ["accent_color"] = null, ["avatar_decoration_data"] = null,
        };
        if (bot)
        {
            user["bot"] = true;
        }

        Users[user["id"]!.GetValue<string>()] = user;
        return user;
    }

    public JsonObject AddChannel(string name, int type = 0, string? parentId = null, string? id = null)
    {
        var channel = new JsonObject
        {
            ["id"] = id ?? NextId(), ["type"] = type, ["guild_id"] = GuildId, ["name"] = name, ["position"] = Channels.Count,
            ["flags"] = 0, ["parent_id"] = parentId, ["last_message_id"] = null, ["rate_limit_per_user"] = 0,
        };
        if (type is 0 or 5)
        {
            channel["topic"] = null;
            channel["nsfw"] = false;
            channel["permission_overwrites"] = new JsonArray();
        }

        if (type is 10 or 11 or 12)
        {
            channel["owner_id"] = Bot["id"]!.GetValue<string>();
            channel["member_count"] = 1;
            channel["message_count"] = 0;
            channel["thread_metadata"] = new JsonObject
            {
                ["archived"] = false, ["auto_archive_duration"] = 1440, ["archive_timestamp"] = Now(), ["locked"] = false,
            };
        }

        Channels[channel["id"]!.GetValue<string>()] = channel;
        Messages[channel["id"]!.GetValue<string>()] = [];
        return channel;
    }

    /// <summary>A guild member object for <paramref name="user"/> (with the user inside, as REST and GUILD_CREATE
    /// give it).</summary>
    public static JsonObject Member(JsonObject user, bool withUser = true)
    {
        var member = new JsonObject
        {
            ["nick"] = null, ["avatar"] = null, ["roles"] = new JsonArray(), ["joined_at"] = "2025-01-01T00:00:00.000000+00:00",
            ["premium_since"] = null, ["deaf"] = false, ["mute"] = false, ["flags"] = 0, ["pending"] = false,
            ["communication_disabled_until"] = null,
        };
        if (withUser)
        {
            member["user"] = user.DeepClone();
        }

        return member;
    }

    /// <summary>GUILD_CREATE's data: the guild with its channels, threads, members and the counts.</summary>
    public JsonObject GuildCreate()
    {
        var guild = (JsonObject)Guild.DeepClone();
        guild["joined_at"] = "2025-01-01T00:00:00.000000+00:00";
        guild["large"] = false;
        guild["unavailable"] = false;
        guild["member_count"] = Users.Count;
        guild["voice_states"] = new JsonArray();
        guild["presences"] = new JsonArray();
        guild["stage_instances"] = new JsonArray();
        guild["guild_scheduled_events"] = new JsonArray();
        guild["members"] = new JsonArray([.. Users.Values.Select(u => (JsonNode)Member(u))]);
        guild["channels"] = new JsonArray([.. Channels.Values.Where(c => c["type"]!.GetValue<int>() is not (10 or 11 or 12)).Select(c => c.DeepClone())]);
        guild["threads"] = new JsonArray([.. Channels.Values.Where(c => c["type"]!.GetValue<int>() is 10 or 11 or 12).Select(c => c.DeepClone())]);
        return guild;
    }

    /// <summary>A message as REST returns it.</summary>
    public JsonObject NewMessage(string channelId, JsonObject author, string content, JsonObject? replyTo = null, string? webhookId = null)
    {
        var message = new JsonObject
        {
            ["type"] = replyTo is null ? 0 : 19, ["channel_id"] = channelId, ["content"] = content, ["attachments"] = new JsonArray(),
            ["embeds"] = new JsonArray(), ["timestamp"] = Now(), ["edited_timestamp"] = null, ["flags"] = 0, ["components"] = new JsonArray(),
            ["id"] = NextId(), ["author"] = author.DeepClone(), ["mentions"] = new JsonArray(), ["mention_roles"] = new JsonArray(),
            ["pinned"] = false, ["mention_everyone"] = false, ["tts"] = false,
        };
        if (webhookId is not null)
        {
            message["webhook_id"] = webhookId;
        }

        if (replyTo is not null)
        {
            message["message_reference"] = new JsonObject
            {
                ["type"] = 0, ["channel_id"] = channelId, ["message_id"] = replyTo["id"]!.GetValue<string>(), ["guild_id"] = GuildId,
            };
            message["referenced_message"] = replyTo.DeepClone();
        }

        Messages[channelId].Add(message);
        Channels[channelId]["last_message_id"] = message["id"]!.GetValue<string>();
        return message;
    }

    /// <summary>The form a message takes in MESSAGE_CREATE/UPDATE: with guild_id, and member for a user's.</summary>
    public JsonObject ForGateway(JsonObject message)
    {
        var dispatched = (JsonObject)message.DeepClone();
        dispatched["guild_id"] = GuildId;
        if (message["webhook_id"] is null && message["author"]?["id"]?.GetValue<string>() is { } authorId && Users.TryGetValue(authorId, out var user))
        {
            dispatched["member"] = Member(user, withUser: false);
        }

        return dispatched;
    }

    public JsonObject? FindMessage(string channelId, string messageId) =>
        Messages.TryGetValue(channelId, out var list) ? list.FirstOrDefault(m => m["id"]!.GetValue<string>() == messageId) : null;
}
