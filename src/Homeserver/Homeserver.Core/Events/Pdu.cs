using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Json;

namespace Homeserver.Core.Events;

/// <summary>
/// A validated, immutable PDU of a known room version, with the fields auth rules and state
/// resolution read. Build one with TryParse, which checks the event format and works out
/// the event ID (computing it from the reference hash where the room version says so).
/// </summary>
public sealed class Pdu
{
    private PowerLevels? _powerLevels;
    private HashSet<string>? _roomCreators;

    private Pdu(JsonElement json, RoomVersion version, string eventId, string roomId)
    {
        Json = json;
        Version = version;
        EventId = eventId;
        RoomId = roomId;
        Sender = json.GetProperty("sender").GetString()!;
        Type = json.GetProperty("type").GetString()!;
        StateKey = json.TryGetProperty("state_key", out var stateKey) ? stateKey.GetString() : null;
        Content = json.GetProperty("content");
        Depth = json.GetProperty("depth").GetInt64();
        OriginServerTs = json.GetProperty("origin_server_ts").GetInt64();
        PrevEvents = ReadReferences(json.GetProperty("prev_events"));
        AuthEvents = ReadReferences(json.GetProperty("auth_events"));
        Redacts = ReadRedacts(json, version);
        Membership = Type == EventTypes.Member ? ContentString("membership") : null;
    }

    /// <summary>The whole event as received (including signatures and unsigned), in canonical form.</summary>
    public JsonElement Json { get; }

    public RoomVersion Version { get; }

    public string EventId { get; }

    /// <summary>The room ID; for a version 12 create event, derived from its own event ID.</summary>
    public string RoomId { get; }

    public string Sender { get; }

    public string Type { get; }

    public string? StateKey { get; }

    public JsonElement Content { get; }

    public long Depth { get; }

    public long OriginServerTs { get; }

    public IReadOnlyList<string> PrevEvents { get; }

    public IReadOnlyList<string> AuthEvents { get; }

    /// <summary>The event a redaction redacts (top-level before version 11, in content from 11).</summary>
    public string? Redacts { get; }

    public bool IsState => StateKey is not null;

    public TypeAndStateKey StateEntryKey =>
        StateKey is null ? throw new InvalidOperationException("not a state event") : new(Type, StateKey);

    /// <summary><c>content.membership</c> of a member event (read once: auth rules ask for it often), or null.</summary>
    public string? Membership { get; }

    public string? ContentString(string property) =>
        Content.ValueKind == JsonValueKind.Object && Content.TryGetProperty(property, out var value) &&
        value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public bool IsType(string type, string stateKey) => Type == type && StateKey == stateKey;

    /// <summary>The content read as power levels, parsed once (state resolution asks for it often).</summary>
    public PowerLevels PowerLevelsContent => _powerLevels ??= PowerLevels.FromContent(Content, Version);

    /// <summary>
    /// For a create event, the room's creators: <c>content.creator</c> before version 11, the sender
    /// from 11, plus valid <c>additional_creators</c> in version 12.
    /// </summary>
    public IReadOnlySet<string> RoomCreators => _roomCreators ??= ReadRoomCreators();

    public override string ToString() => $"{EventId} {Type} {StateKey}";

    /// <summary>Checks the event format of the room version and builds the PDU.</summary>
    public static bool TryParse(JsonObject pdu, RoomVersion version, out Pdu? parsed, out string error)
    {
        ArgumentNullException.ThrowIfNull(version);
        parsed = null;
        if (!PduFormat.TryValidate(pdu, version, out var canonical, out error) ||
            !EventHashing.TryGetEventId(pdu, version, out var eventId, out error))
        {
            return false;
        }

        // Kept as canonical UTF-8 (non-ASCII unescaped), which later canonical encodings copy as is.
        var json = JsonSerializer.Deserialize<JsonElement>(canonical);
        var roomId = pdu["room_id"]?.GetValue<string>() ?? "!" + eventId.Value[1..];
        parsed = new Pdu(json, version, eventId.Value, roomId);
        return true;
    }

    /// <summary>Parses JSON text of a PDU (as received over federation or read from storage).</summary>
    public static bool TryParse(string json, RoomVersion version, out Pdu? parsed, out string error)
    {
        ArgumentNullException.ThrowIfNull(version);
        parsed = null;
        JsonNode? node;
        try
        {
            // JsonDocument keeps duplicate keys where JsonNode would throw later: check them here.
            using var document = JsonDocument.Parse(json);
            if (!CanonicalJson.TryEncode(document.RootElement, out _, out error, EventHashing.JsonOptions(version)))
            {
                error = $"the event is not canonical JSON: {error}";
                return false;
            }

            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            error = $"not JSON: {e.Message}";
            return false;
        }

        if (node is not JsonObject obj)
        {
            error = "a PDU must be a JSON object";
            return false;
        }

        return TryParse(obj, version, out parsed, out error);
    }

    /// <summary>
    /// An event this server validated before (read back from its own storage): no format check, no
    /// hashing; the stored event ID is taken as given.
    /// </summary>
    public static Pdu FromTrusted(string json, RoomVersion version, string eventId)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        var element = JsonDocument.Parse(json).RootElement;
        var roomId = element.TryGetProperty("room_id", out var room) ? room.GetString()! : "!" + eventId[1..];
        return new Pdu(element, version, eventId, roomId);
    }

    public static Pdu Parse(JsonObject pdu, RoomVersion version) =>
        TryParse(pdu, version, out var parsed, out var error) ? parsed! : throw new FormatException(error);

    /// <summary>A mutable copy of the event JSON.</summary>
    public JsonObject ToJsonObject() => JsonObject.Create(Json)!.DeepClone().AsObject();

    private HashSet<string> ReadRoomCreators()
    {
        var creators = new HashSet<string>(StringComparer.Ordinal);
        var creator = Version.CreatorIsCreateSender ? Sender : ContentString("creator");
        if (creator is not null)
        {
            creators.Add(creator);
        }

        if (Version.CreatorsHaveInfinitePower && Content.ValueKind == JsonValueKind.Object &&
            Content.TryGetProperty("additional_creators", out var additional) &&
            additional.ValueKind == JsonValueKind.Array)
        {
            foreach (var user in additional.EnumerateArray())
            {
                if (user.ValueKind == JsonValueKind.String && Identifiers.UserId.TryParse(user.GetString(), out _, out _))
                {
                    creators.Add(user.GetString()!);
                }
            }
        }

        return creators;
    }

    private static string[] ReadReferences(JsonElement references)
    {
        var ids = new string[references.GetArrayLength()];
        var i = 0;
        foreach (var reference in references.EnumerateArray())
        {
            // Versions 1 and 2 use [event_id, {hashes}] pairs; later versions plain event IDs.
            ids[i++] = reference.ValueKind == JsonValueKind.Array ? reference[0].GetString()! : reference.GetString()!;
        }

        return ids;
    }

    private static string? ReadRedacts(JsonElement json, RoomVersion version)
    {
        if (version.RedactsInContent)
        {
            return json.GetProperty("content") is { ValueKind: JsonValueKind.Object } content &&
                   content.TryGetProperty("redacts", out var inContent) && inContent.ValueKind == JsonValueKind.String
                ? inContent.GetString()
                : null;
        }

        return json.TryGetProperty("redacts", out var redacts) && redacts.ValueKind == JsonValueKind.String
            ? redacts.GetString()
            : null;
    }
}
