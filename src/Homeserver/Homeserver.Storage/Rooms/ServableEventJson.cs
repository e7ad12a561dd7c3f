using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Json;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// An event as it can be served. Bodies (event contents) nest at most <see cref="JsonText.MaxDepth"/> levels; events stored before that
/// limit (or around the API) may nest deeper than a response can carry them, which would fail every reader's /sync.
/// Such an event is served pruned by its room version's redaction algorithm: what auth and state resolution read is
/// kept, the content that cannot be carried is not.
/// </summary>
internal static class ServableEventJson
{
    // A body becomes an event's content, one level below the event itself.
    private const int MaxEventDepth = JsonText.MaxDepth + 1;

    private static readonly JsonDocumentOptions AnyDepth = new() { MaxDepth = 4096 };

    /// <summary>The JSON unchanged, or pruned (<paramref name="pruned"/>) when it nests too deep to serve.</summary>
    public static string Of(string json, RoomVersion version, out bool pruned)
    {
        pruned = false;
        var text = json.AsSpan();
        if (text.Count('{') + text.Count('[') <= MaxEventDepth ||
            JsonText.Check(Encoding.UTF8.GetBytes(json), MaxEventDepth) != JsonTextError.TooDeep)
        {
            return json;
        }

        pruned = true;
        var pdu = JsonNode.Parse(json, documentOptions: AnyDepth)!.AsObject();
        return Redaction.Redact(pdu, version).ToJsonString();
    }
}
