using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation;

/// <summary>
/// Outbound EDUs (typing, receipts, presence, device lists, to-device): queued durably per destination and sent in
/// order with the PDUs in that destination's transactions. PDUs need no call: the sender reads the event stream.
/// </summary>
public interface IFederationSender
{
    /// <summary>Queues the EDU for every destination but this server.</summary>
    Task SendEduAsync(IReadOnlyCollection<ServerName> destinations, string eduType, JsonObject content,
        CancellationToken cancellationToken);
}

/// <summary>Handles one EDU type received in <c>PUT /_matrix/federation/v1/send/{txnId}</c>.</summary>
public interface IEduHandler
{
    string EduType { get; }

    /// <summary>Handles the EDU's content from <paramref name="origin"/> (the transaction's authenticated origin).
    /// Bad content is ignored (logged), never thrown: one EDU must not fail the transaction.</summary>
    Task HandleAsync(ServerName origin, JsonElement content, CancellationToken cancellationToken);
}

/// <summary>The servers with at least one joined member in a room (current state), this one included if so.</summary>
public interface IJoinedServersReader
{
    Task<IReadOnlyList<ServerName>> GetJoinedServersAsync(RoomId roomId, CancellationToken cancellationToken);
}
