using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Http;

/// <summary>
/// A JSON response serialised in full before anything is sent, for responses built from much stored data (/sync): a
/// value that fails to serialise then becomes a clean error response instead of a truncated body after a 200.
/// </summary>
public static class BufferedJson
{
    public static IResult Of(JsonNode body) =>
        Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web), "application/json");
}
