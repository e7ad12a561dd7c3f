using System.Text.Json;
using Homeserver.Bridges.Discord.Client.Models;

namespace Homeserver.Bridges.Discord.Client.Gateway;

/// <summary>Turns a dispatch's <c>t</c> and <c>d</c> into a <see cref="GatewayDispatch"/>. Data of the wrong shape
/// gives an <see cref="OtherDispatch"/> (the gateway is outside input), never an exception.</summary>
public static class DispatchParser
{
    public static GatewayDispatch Parse(string type, int sequence, JsonElement data)
    {
        try
        {
            return ParseTyped(type, sequence, data) ?? new OtherDispatch(type, sequence, data.Clone());
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException
            or KeyNotFoundException)
        {
            return new OtherDispatch(type, sequence, data.Clone());
        }
    }

    private static GatewayDispatch? ParseTyped(string type, int sequence, JsonElement d) => type switch
    {
        "READY" => new ReadyDispatch(sequence, Read<DiscordUser>(d.GetProperty("user")), d.GetProperty("session_id").GetString()!,
            d.GetProperty("resume_gateway_url").GetString()!,
            [.. d.GetProperty("guilds").EnumerateArray().Select(g => Read<Snowflake>(g.GetProperty("id")))]),
        "RESUMED" => new ResumedDispatch(sequence),
        "GUILD_CREATE" => new GuildCreateDispatch(sequence, Read<DiscordGuild>(d)),
        "GUILD_UPDATE" => new GuildUpdateDispatch(sequence, Read<DiscordGuild>(d)),
        "CHANNEL_CREATE" or "CHANNEL_UPDATE" or "CHANNEL_DELETE" or "THREAD_CREATE" or "THREAD_UPDATE" or "THREAD_DELETE" =>
            new ChannelDispatch(type, sequence, Read<DiscordChannel>(d)),
        "MESSAGE_CREATE" or "MESSAGE_UPDATE" => new MessageDispatch(type, sequence, Read<DiscordMessage>(d)),
        "MESSAGE_DELETE" => new MessageDeleteDispatch(sequence, Read<Snowflake>(d.GetProperty("id")),
            Read<Snowflake>(d.GetProperty("channel_id")), Optional<Snowflake>(d, "guild_id")),
        "MESSAGE_REACTION_ADD" or "MESSAGE_REACTION_REMOVE" => new ReactionDispatch(type, sequence,
            Read<Snowflake>(d.GetProperty("user_id")), Read<Snowflake>(d.GetProperty("channel_id")),
            Read<Snowflake>(d.GetProperty("message_id")), Optional<Snowflake>(d, "guild_id"), Read<DiscordEmoji>(d.GetProperty("emoji")),
            OptionalObject<DiscordMember>(d, "member")),
        "TYPING_START" => new TypingDispatch(sequence, Read<Snowflake>(d.GetProperty("channel_id")), Optional<Snowflake>(d, "guild_id"),
            Read<Snowflake>(d.GetProperty("user_id")), DateTimeOffset.FromUnixTimeSeconds(d.GetProperty("timestamp").GetInt64()),
            OptionalObject<DiscordMember>(d, "member")),
        "GUILD_MEMBER_ADD" or "GUILD_MEMBER_UPDATE" or "GUILD_MEMBER_REMOVE" => new GuildMemberDispatch(type, sequence,
            Read<Snowflake>(d.GetProperty("guild_id")), Read<DiscordUser>(d.GetProperty("user")),
            type == "GUILD_MEMBER_REMOVE" ? null : Read<DiscordMember>(d)),
        _ => null,
    };

    private static T Read<T>(JsonElement element) =>
        element.Deserialize<T>(DiscordJson.Options) ?? throw new JsonException($"null where a {typeof(T).Name} belongs");

    private static T? Optional<T>(JsonElement element, string name) where T : struct =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? Read<T>(value) : null;

    private static T? OptionalObject<T>(JsonElement element, string name) where T : class =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? Read<T>(value) : null;
}
