using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Services.Federation.Transactions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Federation.Endpoints;

/// <summary>Receiving transactions (spec: Server-Server API, "Transactions", "PDUs", "EDUs").</summary>
public static class TransactionEndpoints
{
    public static void MapFederationTransactions(this IEndpointRouteBuilder app)
    {
        // PUT /_matrix/federation/v1/send/{txnId}
        app.MapPut("/_matrix/federation/v1/send/{txnId}", async (HttpContext context, string txnId,
            TransactionReceiver receiver, CancellationToken cancellationToken) =>
        {
            var origin = context.Origin();
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return BufferedJson.Of(await receiver.ReceiveAsync(origin, txnId, body, cancellationToken));
        });
    }
}
