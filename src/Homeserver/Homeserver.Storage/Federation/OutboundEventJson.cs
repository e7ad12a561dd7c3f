using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Storage.Rooms;

namespace Homeserver.Storage.Federation;

/// <summary>A stored event as another server is sent it: redacted when it was, pruned when it nests too deep.</summary>
internal static class OutboundEventJson
{
    public static string Of(string json, string roomVersion, bool redacted)
    {
        var version = RoomVersions.TryGet(roomVersion, out var v) ? v
            : throw new InvalidOperationException($"unknown room version {roomVersion}");
        var servable = ServableEventJson.Of(json, version, out var pruned);
        return redacted && !pruned
            ? Redaction.Redact(JsonNode.Parse(servable)!.AsObject(), version).ToJsonString()
            : servable;
    }
}
