using System.Text.Json;
using Homeserver.Core.Identifiers;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Sending;

/// <summary>The answer to a transaction: <c>{"pdus": {event_id: {"error"?}}}</c>; refused PDUs are logged, never
/// retried (the destination saw them).</summary>
internal static partial class TransactionResults
{
    public static void LogRefusedPdus(ILogger logger, ServerName destination, string txnId, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("pdus", out var pdus) || pdus.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var result in pdus.EnumerateObject())
            {
                if (result.Value.ValueKind == JsonValueKind.Object && result.Value.TryGetProperty("error", out var error))
                {
                    LogPduRefused(logger, destination.Value, txnId, result.Name, error);
                }
            }
        }
        catch (JsonException)
        {
            // The destination took the transaction (2xx); what it said about it is only logged.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Transaction {TxnId} to {Destination}: event {EventId} refused: {Error}")]
    private static partial void LogPduRefused(ILogger logger, string destination, string txnId, string eventId,
        JsonElement error);
}
