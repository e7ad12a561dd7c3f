using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Json;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Shared;

/// <summary>
/// Stored JSON text on its way into a response. Text stored before <see cref="JsonText"/> was enforced at the edge, or
/// written around the API, may hold a string no JSON writer can serialise or read (a lone surrogate escape parses, and
/// fails only when written: mid-response), not be JSON at all, or not have the shape its readers rely on. Such an item
/// is left out and logged, so that it cannot break every later response meant to carry it (often another user's).
/// </summary>
public sealed partial class StoredJson(ILogger<StoredJson> logger)
{
    // No deeper than the edge accepts: deeper content parses, then fails the response that carries it.
    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = JsonText.MaxDepth };

    /// <summary>Whether the stored text can be served; logs it when not.</summary>
    /// <param name="json">The stored text.</param>
    /// <param name="what">What it is, for the log: "to-device message", "account data", "device keys".</param>
    /// <param name="name">Which one: its event type, device ID or key usage.</param>
    /// <param name="userId">Whose it is.</param>
    public bool CanServe(string json, string what, string name, string userId)
    {
        ArgumentNullException.ThrowIfNull(json);
        var error = JsonText.CheckStrings(json);
        if (error == JsonTextError.None)
        {
            return true;
        }

        LogLeftOut(logger, what, name, userId, JsonText.Describe(error));
        return false;
    }

    /// <summary>The stored value, or null (logged) when it cannot be served.</summary>
    public JsonNode? ParseValue(string json, string what, string name, string userId)
    {
        if (!CanServe(json, what, name, userId))
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(json, documentOptions: ReadOptions) is { } parsed)
            {
                return parsed;
            }
        }
        catch (JsonException)
        {
        }

        LogLeftOut(logger, what, name, userId, $"not JSON, null, or nested deeper than {JsonText.MaxDepth} levels");
        return null;
    }

    /// <summary>The stored object, or null (logged) when it cannot be served.</summary>
    public JsonObject? ParseObject(string json, string what, string name, string userId)
    {
        var parsed = ParseValue(json, what, name, userId);
        if (parsed is null or JsonObject)
        {
            return parsed as JsonObject;
        }

        LeaveOut(what, name, userId, "not a JSON object");
        return null;
    }

    /// <summary>Logs an item left out for a reason its reader found (a shape it cannot use).</summary>
    public void LeaveOut(string what, string name, string userId, string problem) =>
        LogLeftOut(logger, what, name, userId, problem);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Left out stored {What} '{Name}' of {UserId} that cannot be served: {Problem}")]
    private static partial void LogLeftOut(ILogger logger, string what, string name, string userId, string problem);
}
