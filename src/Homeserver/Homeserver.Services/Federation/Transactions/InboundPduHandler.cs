using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Events;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Transactions;

/// <summary>
/// The PDUs of one room in a received transaction, in order (server-server API, "Checks performed on receipt of a
/// PDU"): the room must be one we know (its version is ours to read), the room's server ACL must allow the origin,
/// then each PDU is verified (<see cref="RemotePduVerifier"/>: dropped with an error when its format or signatures
/// fail, kept redacted when its content hash does not match) and input (<see cref="RemotePduInput"/>, fetching what
/// it misses). A PDU that cannot be handled or is rejected by the auth rules gets an error (as Dendrite answers; a
/// soft-failed or redacted one does not, as Synapse); the others of the transaction go on.
/// </summary>
public sealed partial class InboundPduHandler(IRoomEventReader rooms, ServerAclGuard acl, RemotePduVerifier verifier,
    RemotePduInput input, ILogger<InboundPduHandler> logger)
{
    public async Task HandleRoomAsync(ServerName origin, RoomId roomId, IReadOnlyList<JsonObject> received,
        ConcurrentDictionary<string, JsonObject> results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(results);
        var version = await rooms.GetRoomVersionAsync(roomId.Value, cancellationToken);
        if (version is null)
        {
            // Not a room of ours: the event ID is computed as the default version would (v1 and v2 carry theirs).
            SetErrors(results, received, RoomVersions.Default, $"Unknown room {roomId}");
            return;
        }

        if (!await acl.AllowsAsync(origin, roomId, cancellationToken))
        {
            LogDenied(logger, origin.Value, roomId.Value);
            SetErrors(results, received, version, $"Server {origin} is denied by the room's server ACL");
            return;
        }

        foreach (var raw in received)
        {
            if (!Pdu.TryParse(raw, version, out var parsed, out var formatError))
            {
                LogInvalid(logger, origin.Value, roomId.Value, "?", formatError);
                continue;
            }

            results[parsed!.EventId] = await HandleAsync(origin, raw, version, parsed.EventId, cancellationToken);
        }
    }

    private async Task<JsonObject> HandleAsync(ServerName origin, JsonObject raw, RoomVersion version,
        string eventId, CancellationToken cancellationToken)
    {
        var verified = await verifier.VerifyAsync(raw, version, cancellationToken);
        if (verified.Pdu is not { } pdu)
        {
            LogInvalid(logger, origin.Value, version.Id, eventId, verified.Error ?? "invalid");
            return Error(verified.Error ?? "Invalid event");
        }

        try
        {
            var result = await input.InputNewAsync(origin, pdu, cancellationToken);
            if (result.Status == InputStatus.MissingEvents)
            {
                return Error("Missing events the origin did not provide: " +
                             string.Join(", ", result.Missing!.Take(10).Select(id => id.Value)));
            }

            // Rejected events are stored but never take effect; the transaction still succeeds (spec, "Rejection").
            return result.Status == InputStatus.Rejected
                ? Error("Rejected by the authorization rules: " + (result.Reason ?? "not allowed"))
                : [];
        }
        catch (Exception e) when (e is FederationException or FetchLimitExceededException)
        {
            LogFetchFailed(logger, origin.Value, pdu.RoomId, eventId, e.Message);
            return Error("Could not fetch the events it needs: " + e.Message);
        }
    }

    private static void SetErrors(ConcurrentDictionary<string, JsonObject> results, IEnumerable<JsonObject> received,
        RoomVersion version, string error)
    {
        foreach (var raw in received)
        {
            if (Pdu.TryParse(raw, version, out var parsed, out _))
            {
                results[parsed!.EventId] = Error(error);
            }
        }
    }

    private static JsonObject Error(string message) => new() { ["error"] = message };

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Dropped the PDUs of {Origin} for {RoomId}: the room's server ACL denies it")]
    private static partial void LogDenied(ILogger logger, string origin, string roomId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped a PDU from {Origin} ({Context}, {EventId}): {Reason}")]
    private static partial void LogInvalid(ILogger logger, string origin, string context, string eventId,
        string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "A PDU from {Origin} for {RoomId} ({EventId}) failed on a fetch: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string origin, string roomId, string eventId,
        string reason);
}
