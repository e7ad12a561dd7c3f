using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Core.StateResolution;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// What Core's <see cref="StateResolver"/> says a room's state is once two concurrent events are both forward
/// extremities: the state after each (the state before it from <c>GET /_matrix/federation/v1/state/{roomId}</c>, the
/// event from <c>/event/{eventId}</c>), resolved over the events and auth chains those answers hold. Asked through
/// the asking server's own federation client (signed as that server) of the server named holder.
/// </summary>
internal static class CoreResolution
{
    public static async Task<Dictionary<TypeAndStateKey, string>> ResolveAsync(LiveServer asking, string holder,
        string roomId, IReadOnlyList<string> extremities)
    {
        var client = asking.Instance.App.Services.GetRequiredService<FederationClient>();
        var server = ServerName.Parse(holder);
        var escapedRoom = Uri.EscapeDataString(roomId);
        var raw = new List<JsonObject>();
        var befores = new List<(List<JsonObject> State, JsonObject Event)>();
        foreach (var eventId in extremities)
        {
            var escapedEvent = Uri.EscapeDataString(eventId);
            var state = await client.GetJsonAsync<JsonObject>(server,
                $"/_matrix/federation/v1/state/{escapedRoom}?event_id={escapedEvent}", CancellationToken.None);
            var served = await client.GetJsonAsync<JsonObject>(server, $"/_matrix/federation/v1/event/{escapedEvent}",
                CancellationToken.None);
            var stateEvents = state["pdus"]!.AsArray().Select(e => e!.AsObject()).ToList();
            var pdu = served["pdus"]!.AsArray().Single()!.AsObject();
            raw.AddRange(stateEvents);
            raw.AddRange(state["auth_chain"]!.AsArray().Select(e => e!.AsObject()));
            raw.Add(pdu);
            befores.Add((stateEvents, pdu));
        }

        var version = VersionOf(raw);
        var source = new InMemoryEventSource(raw.Select(json => Parse(json, version)));
        var stateSets = befores.Select(before => (IReadOnlyDictionary<TypeAndStateKey, string>)StateResolver.StateAfter(
            before.State.Select(json => Parse(json, version)).ToDictionary(e => e.StateEntryKey, e => e.EventId),
            Parse(before.Event, version))).ToList();
        return await StateResolver.ResolveAsync(version, stateSets, source);
    }

    private static RoomVersion VersionOf(IEnumerable<JsonObject> events)
    {
        var create = events.First(e => (string?)e["type"] == EventTypes.Create);
        var id = (string?)create["content"]?["room_version"] ?? "1";
        return RoomVersions.TryGet(id, out var version)
            ? version
            : throw new InvalidOperationException($"unknown room version {id}");
    }

    private static Pdu Parse(JsonObject json, RoomVersion version) =>
        Pdu.TryParse((JsonObject)json.DeepClone(), version, out var pdu, out var error)
            ? pdu!
            : throw new InvalidOperationException(error);
}
