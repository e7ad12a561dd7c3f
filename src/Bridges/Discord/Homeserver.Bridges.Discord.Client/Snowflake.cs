using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Homeserver.Bridges.Discord.Client;

/// <summary>A Discord ID: a 64-bit number that Discord's JSON carries as a string.</summary>
[JsonConverter(typeof(SnowflakeJsonConverter))]
public readonly record struct Snowflake(ulong Value)
{
    /// <summary>Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds.</summary>
    public const long DiscordEpochMilliseconds = 1420070400000;

    /// <summary>When the ID was made (its top 42 bits are milliseconds since Discord's epoch).</summary>
    public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeMilliseconds((long)(Value >> 22) + DiscordEpochMilliseconds);

    public static bool TryParse(string? text, out Snowflake snowflake)
    {
        var ok = ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value);
        snowflake = new Snowflake(value);
        return ok;
    }

    public static Snowflake Parse(string text) =>
        TryParse(text, out var snowflake) ? snowflake : throw new FormatException($"'{text}' is not a Discord snowflake");

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Reads a snowflake from a JSON string (or number, leniently) and writes it as a string, as Discord does.</summary>
public sealed class SnowflakeJsonConverter : JsonConverter<Snowflake>
{
    public override Snowflake Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var number))
        {
            return new Snowflake(number);
        }

        if (reader.TokenType == JsonTokenType.String && Snowflake.TryParse(reader.GetString(), out var snowflake))
        {
            return snowflake;
        }

        throw new JsonException("A Discord snowflake must be a string of digits");
    }

    public override void Write(Utf8JsonWriter writer, Snowflake value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
