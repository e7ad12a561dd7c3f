using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Json;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Shared;

/// <summary>
/// Stored JSON text on its way into a response. Text stored before <see cref="JsonText"/> was enforced at the edge, or
/// written around the API, may hold a string no JSON writer can serialise or read (a lone surrogate escape parses, and
/// fails only when written: mid-response). Such an item is left out and logged, so that it cannot break every later
/// response meant to carry it.
/// </summary>
public sealed partial class StoredJson(ILogger<StoredJson> logger)
{
    /// <summary>Whether the stored text can be served; logs it when not.</summary>
    /// <param name="json">The stored text.</param>
    /// <param name="what">What it is, for the log: "to-device message", "account data".</param>
    /// <param name="type">Its event type.</param>
    /// <param name="userId">Whose it is.</param>
    public bool CanServe(string json, string what, string type, string userId)
    {
        ArgumentNullException.ThrowIfNull(json);
        var error = JsonText.CheckStrings(json);
        if (error == JsonTextError.None)
        {
            return true;
        }

        LogLeftOut(logger, what, type, userId, JsonText.Describe(error));
        return false;
    }

    /// <summary>The stored object, or null (logged) when it cannot be served.</summary>
    public JsonObject? ParseObject(string json, string what, string type, string userId)
    {
        if (!CanServe(json, what, type, userId))
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(json) is JsonObject parsed)
            {
                return parsed;
            }
        }
        catch (JsonException)
        {
        }

        LogLeftOut(logger, what, type, userId, "not a JSON object");
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Left out a stored {What} of type {Type} for {UserId} that cannot be served: {Problem}")]
    private static partial void LogLeftOut(ILogger logger, string what, string type, string userId, string problem);
}
