using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;
using Homeserver.Services.Federation.Events;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.Membership;

/// <summary>
/// Checks a resident's send_join answer (server-server API, "Joining Rooms": "the returned state and auth chain are
/// validated"): every state and auth chain event passes <see cref="RemotePduVerifier"/> (format, signatures, content
/// hash) and belongs to the room; the create event is the room's, of the version make_join named; each event is
/// allowed by its own auth events (all in the answer); the state has one event per key and allows our join; the
/// returned <c>event</c> (a restricted join countersigned by the resident) is our join and verifies. Any failure
/// refuses the whole answer (another server is tried).
/// </summary>
public sealed class SendJoinAnswer(RemotePduVerifier verifier)
{
    public async Task<RemoteJoinSnapshot> CheckAsync(JsonObject answer, Pdu join, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(join);
        var version = join.Version;
        var state = await VerifyAllAsync(answer["state"], "state", join, cancellationToken);
        var chain = await VerifyAllAsync(answer["auth_chain"], "auth_chain", join, cancellationToken);
        state.RemoveAll(e => e.EventId == join.EventId); // the state before our join, whatever the resident sent

        var stateBefore = ImmutableDictionary.CreateBuilder<TypeAndStateKey, Pdu>();
        foreach (var pdu in state)
        {
            if (!pdu.IsState || !stateBefore.TryAdd(pdu.StateEntryKey, pdu) &&
                stateBefore[pdu.StateEntryKey].EventId != pdu.EventId)
            {
                throw new InvalidRemoteAnswerException($"the state holds {pdu.EventId} twice over or as a non-state event");
            }
        }

        var create = stateBefore.GetValueOrDefault(new TypeAndStateKey(EventTypes.Create, "")) ??
                     throw new InvalidRemoteAnswerException("the state has no create event");
        var createVersion = create.ContentString("room_version") ?? "1";
        if (create.RoomId != join.RoomId || createVersion != version.Id)
        {
            throw new InvalidRemoteAnswerException(
                $"the create event is of {create.RoomId} version {createVersion}, not {join.RoomId} version {version.Id}");
        }

        var all = chain.Concat(state).DistinctBy(e => e.EventId, StringComparer.Ordinal)
            .ToDictionary(e => e.EventId, StringComparer.Ordinal);
        var ordered = AuthOrder(all);
        foreach (var pdu in ordered)
        {
            RequireAllowed(pdu, all, create);
        }

        var returned = await ReturnedJoinAsync(answer["event"], join, cancellationToken);
        RequireAllowed(returned, all, create);
        var byState = EventAuthorizer.Authorize(returned, new StateMap(stateBefore.Values));
        if (!byState.IsAllowed)
        {
            throw new InvalidRemoteAnswerException($"the state does not allow our join: {byState.Reason}");
        }

        return new RemoteJoinSnapshot(create, ordered, stateBefore.ToImmutable(), returned);
    }

    private async Task<List<Pdu>> VerifyAllAsync(JsonNode? list, string name, Pdu join,
        CancellationToken cancellationToken)
    {
        if (list is not JsonArray array)
        {
            throw new InvalidRemoteAnswerException($"the answer has no '{name}' list");
        }

        var verified = new List<Pdu>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonObject raw)
            {
                throw new InvalidRemoteAnswerException($"'{name}' holds a non-object");
            }

            var result = await verifier.VerifyAsync(raw, join.Version, cancellationToken);
            if (result.Pdu is not { } pdu)
            {
                throw new InvalidRemoteAnswerException($"an event of '{name}' fails its checks: {result.Error}");
            }

            if (pdu.RoomId != join.RoomId)
            {
                throw new InvalidRemoteAnswerException($"{pdu.EventId} of '{name}' is of another room");
            }

            verified.Add(pdu);
        }

        return verified;
    }

    /// <summary>Our join as the resident returned it (restricted joins: with its signature), else as we sent it.</summary>
    private async Task<Pdu> ReturnedJoinAsync(JsonNode? returned, Pdu join, CancellationToken cancellationToken)
    {
        if (returned is not JsonObject raw)
        {
            return join;
        }

        var result = await verifier.VerifyAsync(raw, join.Version, cancellationToken);
        return result is { Pdu: { } pdu, Redacted: false } && pdu.EventId == join.EventId
            ? pdu
            : throw new InvalidRemoteAnswerException($"the returned event is not our join: {result.Error}");
    }

    /// <summary>The events with every event's auth events before it; an auth event missing from the answer, or a
    /// cycle, refuses it.</summary>
    private static List<Pdu> AuthOrder(Dictionary<string, Pdu> all)
    {
        var ordered = new List<Pdu>(all.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in all.Values.OrderBy(e => e.Depth).ThenBy(e => e.EventId, StringComparer.Ordinal))
        {
            var stack = new Stack<(Pdu Pdu, bool Expanded)>();
            stack.Push((start, false));
            while (stack.TryPop(out var item))
            {
                if (done.Contains(item.Pdu.EventId))
                {
                    continue;
                }

                if (item.Expanded)
                {
                    visiting.Remove(item.Pdu.EventId);
                    done.Add(item.Pdu.EventId);
                    ordered.Add(item.Pdu);
                    continue;
                }

                if (!visiting.Add(item.Pdu.EventId))
                {
                    throw new InvalidRemoteAnswerException($"the auth chain has a cycle at {item.Pdu.EventId}");
                }

                stack.Push((item.Pdu, true));
                foreach (var authId in item.Pdu.AuthEvents.Where(id => !done.Contains(id)))
                {
                    stack.Push((all.GetValueOrDefault(authId) ?? throw new InvalidRemoteAnswerException(
                        $"{authId}, an auth event of {item.Pdu.EventId}, is not in the answer"), false));
                }
            }
        }

        return ordered;
    }

    private static void RequireAllowed(Pdu pdu, Dictionary<string, Pdu> all, Pdu create)
    {
        var authEvents = pdu.AuthEvents.Select(id => all.GetValueOrDefault(id) ?? throw new InvalidRemoteAnswerException(
            $"{id}, an auth event of {pdu.EventId}, is not in the answer")).ToList();
        var result = EventAuthorizer.AuthorizeWithAuthEvents(pdu, authEvents, create);
        if (!result.IsAllowed)
        {
            throw new InvalidRemoteAnswerException($"{pdu.EventId} is not allowed by its auth events: {result.Reason}");
        }
    }
}
