using System.Text.Json;
using System.Text.Json.Serialization;

namespace Homeserver.Bridges.Discord.Client;

/// <summary>The JSON conventions of Discord's API: snake_case names, nulls left out of what we send.</summary>
public static class DiscordJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
    };
}
