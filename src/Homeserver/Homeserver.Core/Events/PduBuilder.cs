using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Crypto;
using Homeserver.Core.Encoding;
using Homeserver.Core.Json;

namespace Homeserver.Core.Events;

/// <summary>What a local user asks to send; the builder adds the room, graph, hashes and signature.</summary>
public sealed record PduTemplate(string Type, string Sender, string? StateKey, JsonObject Content)
{
    /// <summary>For <c>m.room.redaction</c>: the event to redact (placed where the room version wants it).</summary>
    public string? Redacts { get; init; }
}

/// <summary>
/// Builds new PDUs for this server: auth events chosen by the auth events selection from the state
/// before the event, prev_events and depth from the given forward extremities, the content hash and
/// this server's signature. The caller supplies the timestamp (and, for room versions 1 and 2, the
/// local part of the event ID) and then authorises the result.
/// </summary>
public static class PduBuilder
{
    public static bool TryBuild(RoomVersion version, string? roomId, PduTemplate template, IReadOnlyList<Pdu> prevEvents,
        IRoomState stateBefore, long originServerTs, string serverName, SigningKey key, out Pdu? pdu, out string error,
        string? localEventIdPart = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(prevEvents);
        ArgumentNullException.ThrowIfNull(stateBefore);
        pdu = null;
        var json = new JsonObject
        {
            ["type"] = template.Type,
            ["sender"] = template.Sender,
            ["content"] = template.Content.DeepClone(),
            ["origin_server_ts"] = originServerTs,
            ["depth"] = Depth(prevEvents, version),
            ["prev_events"] = References(prevEvents, version),
            ["auth_events"] = References(AuthEvents(version, template, stateBefore), version),
            ["hashes"] = new JsonObject(),
            ["signatures"] = new JsonObject(),
        };
        if (template.StateKey is not null)
        {
            json["state_key"] = template.StateKey;
        }

        if (roomId is not null)
        {
            json["room_id"] = roomId;
        }

        if (template.Redacts is not null)
        {
            if (version.RedactsInContent)
            {
                json["content"]!["redacts"] = template.Redacts;
            }
            else
            {
                json["redacts"] = template.Redacts;
            }
        }

        if (version.EventIdFormat == EventIdFormat.ServerAssigned)
        {
            if (string.IsNullOrEmpty(localEventIdPart))
            {
                error = $"room version {version.Id} needs the caller's local part for the event ID";
                return false;
            }

            json["event_id"] = $"${localEventIdPart}:{serverName}";
        }

        json["hashes"] = new JsonObject { ["sha256"] = "" };
        if (!PduFormat.TryValidate(json, version, out error))
        {
            return false;
        }

        EventSigning.HashAndSign(json, serverName, key, version);
        return Pdu.TryParse(json, version, out pdu, out error);
    }

    private static long Depth(IReadOnlyList<Pdu> prevEvents, RoomVersion version)
    {
        var max = version.StrictCanonicalJson ? CanonicalJson.MaxSafeInteger : long.MaxValue;
        var deepest = prevEvents.Count == 0 ? 0 : prevEvents.Max(p => p.Depth);
        return deepest >= max ? max : deepest + 1;
    }

    private static List<Pdu> AuthEvents(RoomVersion version, PduTemplate template, IRoomState state)
    {
        var content = JsonSerializer.SerializeToElement(template.Content);
        return AuthEventSelection.KeysFor(template.Type, template.Sender, template.StateKey, content, version)
            .Select(key => state.Get(key.Type, key.StateKey))
            .OfType<Pdu>()
            .ToList();
    }

    /// <summary>Event IDs, or in versions 1 and 2 <c>[event_id, {"sha256": reference hash}]</c> pairs.</summary>
    private static JsonArray References(IEnumerable<Pdu> events, RoomVersion version)
    {
        var references = new JsonArray();
        foreach (var pdu in events)
        {
            if (version.EventIdFormat != EventIdFormat.ServerAssigned)
            {
                references.Add(pdu.EventId);
                continue;
            }

            EventHashing.TryComputeReferenceHash(pdu.ToJsonObject(), version, out var hash, out _);
            references.Add(new JsonArray(pdu.EventId, new JsonObject { ["sha256"] = UnpaddedBase64.Encode(hash) }));
        }

        return references;
    }
}
