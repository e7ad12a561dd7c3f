using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Client;

namespace Homeserver.Services.Federation.Membership;

/// <summary>
/// The first half of every membership handshake with a resident server: <c>GET make_{join,leave,knock}</c>, the
/// template checked (a member event of the user, for the room, with the membership asked for, in a room version we
/// support), our content put in, then hashed and signed with our key; and the <c>PUT send_*</c> of the result.
/// </summary>
public sealed class MembershipHandshake(FederationClient client, HomeserverSettings settings, SigningKey key,
    TimeProvider time)
{
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>Our supported room versions as make_join/make_knock's <c>ver</c> parameters.</summary>
    private static readonly string VersionQuery =
        string.Join("&", RoomVersions.All.Select(v => "ver=" + Uri.EscapeDataString(v.Id)));

    /// <summary>Asks <paramref name="server"/> for a template and returns our signed event built from it.</summary>
    /// <exception cref="FederationException">The server refused or failed.</exception>
    /// <exception cref="InvalidRemoteAnswerException">The template is not the event asked for.</exception>
    public async Task<Pdu> MakeAsync(ServerName server, string membership, UserId user, RoomId roomId,
        JsonObject content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var query = membership == Memberships.Leave ? "" : "?" + VersionQuery;
        var answer = await client.GetJsonAsync<JsonObject>(server,
            $"/_matrix/federation/v1/make_{membership}/{Uri.EscapeDataString(roomId.Value)}/" +
            $"{Uri.EscapeDataString(user.Value)}{query}", cancellationToken);
        var versionId = answer["room_version"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : "1";
        if (!RoomVersions.TryGet(versionId, out var version))
        {
            throw new InvalidRemoteAnswerException($"room version {versionId} is not supported here");
        }

        if (answer["event"] is not JsonObject template)
        {
            throw new InvalidRemoteAnswerException("the answer has no event template");
        }

        return Build(template, version, membership, user, roomId, content);
    }

    /// <summary>PUTs the event to send_{membership} (v2; send_knock is v1 only) and returns the answer.</summary>
    public async Task<JsonObject> SendAsync(ServerName server, string membership, Pdu pdu,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var apiVersion = membership == Memberships.Knock ? "v1" : "v2";
        var response = await client.SendAsync(HttpMethod.Put, server,
            $"/_matrix/federation/{apiVersion}/send_{membership}/{Uri.EscapeDataString(pdu.RoomId)}/" +
            Uri.EscapeDataString(pdu.EventId), JsonSerializer.SerializeToUtf8Bytes(pdu.Json), cancellationToken,
            maxResponseBytes: membership == Memberships.Join ? 512L * 1024 * 1024 : null);
        try
        {
            return JsonNode.Parse(response.Body) as JsonObject ??
                   throw new InvalidRemoteAnswerException($"the send_{membership} answer is not an object");
        }
        catch (JsonException e)
        {
            throw new InvalidRemoteAnswerException($"the send_{membership} answer is not JSON: {e.Message}");
        }
    }

    private Pdu Build(JsonObject template, RoomVersion version, string membership, UserId user, RoomId roomId,
        JsonObject content)
    {
        var expected = (Type: EventTypes.Member, StateKey: user.Value, Sender: user.Value, Room: roomId.Value);
        var actual = (Type: Text(template, "type"), StateKey: Text(template, "state_key"),
            Sender: Text(template, "sender"), Room: Text(template, "room_id"));
        var templateContent = template["content"] as JsonObject;
        if (actual != expected || Text(templateContent, "membership") != membership)
        {
            throw new InvalidRemoteAnswerException(
                $"the template is not a {membership} of {user} in {roomId}: {actual} {Text(templateContent, "membership")}");
        }

        var json = template.DeepClone().AsObject();
        var merged = content.DeepClone().AsObject();
        merged["membership"] = membership;
        // A restricted join's authorising user is the resident's choice (room version 8+).
        if (Text(templateContent, "join_authorised_via_users_server") is { } authoriser)
        {
            merged["join_authorised_via_users_server"] = authoriser;
        }

        json["content"] = merged;
        json["origin_server_ts"] = time.GetUtcNow().ToUnixTimeMilliseconds();
        json["origin"] = settings.ServerName.Value;
        json["signatures"] = new JsonObject();
        json["hashes"] = new JsonObject { ["sha256"] = "" };
        json.Remove("unsigned");
        json.Remove("event_id");
        if (version.EventIdFormat == EventIdFormat.ServerAssigned)
        {
            json["event_id"] = $"${RandomNumberGenerator.GetString(IdAlphabet, 18)}:{settings.ServerName.Value}";
        }

        if (!PduFormat.TryValidate(json, version, out var error))
        {
            throw new InvalidRemoteAnswerException("the template is not a valid event: " + error);
        }

        EventSigning.HashAndSign(json, settings.ServerName.Value, key, version);
        return Pdu.TryParse(json, version, out var pdu, out error)
            ? pdu!
            : throw new InvalidRemoteAnswerException("the event built from the template is invalid: " + error);
    }

    private static string? Text(JsonObject? json, string property) =>
        json?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

/// <summary>A resident server's answer that is not what the handshake asked for: try another server.</summary>
public sealed class InvalidRemoteAnswerException(string message) : Exception(message);
