using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Transactions;

/// <summary>The answers given to other servers' transactions, so that a retried transaction gets the same answer
/// and is not processed twice (server-server API, "Transactions": idempotent per origin and transaction ID).</summary>
public interface IReceivedTransactionStore
{
    /// <summary>The response JSON given to the transaction, or null when it was not answered yet.</summary>
    Task<string?> GetResponseAsync(ServerName origin, string transactionId, CancellationToken cancellationToken);

    /// <summary>Remembers the response JSON given to the transaction (the first one stays).</summary>
    Task SaveResponseAsync(ServerName origin, string transactionId, string responseJson,
        CancellationToken cancellationToken);
}
