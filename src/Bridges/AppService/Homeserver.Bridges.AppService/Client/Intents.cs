using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Bridges.AppService.Store;

namespace Homeserver.Bridges.AppService.Client;

/// <summary>
/// Makes <see cref="Intent"/>s: the bot (<see cref="Bot"/>) and the ghosts in the users namespaces. Intents are
/// cheap; what they remember (registered, joined, profile) is in the store, so it holds across restarts.
/// </summary>
public sealed class Intents(
    MatrixClient client,
    AppServiceIdentity identity,
    IGhostStore ghosts,
    IMembershipStore memberships,
    TransactionIds transactionIds)
{
    private Intent? _bot;

    public AppServiceIdentity Identity => identity;

    public Intent Bot => _bot ??= new Intent(identity.BotUserId, this);

    /// <summary>The intent of <paramref name="userId"/>, which must be the bot or in the users namespaces.</summary>
    public Intent For(string userId)
    {
        if (userId == identity.BotUserId)
        {
            return Bot;
        }

        if (!identity.IsOwnUser(userId))
        {
            throw new ArgumentException($"{userId} is not in this appservice's user namespaces", nameof(userId));
        }

        return new Intent(userId, this);
    }

    /// <summary>
    /// Asks the homeserver to ping this appservice (spec: POST /_matrix/client/v1/appservice/{appserviceId}/ping), which
    /// proves both tokens and the URL work; returns the round trip the homeserver measured. A bridge calls it at start.
    /// </summary>
    public async Task<TimeSpan> PingHomeserverAsync(string? transactionId, CancellationToken cancellationToken)
    {
        var body = new JsonObject();
        if (transactionId is not null)
        {
            body["transaction_id"] = transactionId;
        }

        var answer = await client.SendJsonAsync(HttpMethod.Post,
            $"/_matrix/client/v1/appservice/{MatrixClient.Segment(identity.Registration.Id)}/ping", body, null, null, cancellationToken);
        return answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("duration_ms", out var ms) &&
               ms.ValueKind == JsonValueKind.Number && ms.TryGetInt64(out var millis)
            ? TimeSpan.FromMilliseconds(millis)
            : throw new MatrixApiException(200, "M_UNKNOWN", "The homeserver's ping answer has no 'duration_ms'");
    }

    /// <summary>The intent of the ghost <c>@localpart:server</c>.</summary>
    public Intent ForLocalpart(string localpart) => For(identity.UserIdOf(localpart));

    internal MatrixClient Client => client;

    internal IGhostStore Ghosts => ghosts;

    internal IMembershipStore Memberships => memberships;

    internal TransactionIds TransactionIds => transactionIds;
}
