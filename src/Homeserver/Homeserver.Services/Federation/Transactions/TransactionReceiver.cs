using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Transactions;

/// <summary>
/// A transaction from another server (<c>PUT /_matrix/federation/v1/send/{txnId}</c>; server-server API,
/// "Transactions"): at most 50 PDUs and 100 EDUs; one transaction per origin at a time (as Synapse), and idempotent
/// per origin and transaction ID (a retry gets the stored answer). PDUs are grouped per room and handled in order
/// within a room (<see cref="InboundPduHandler"/>), a few rooms at once; then the EDUs (<see cref="EduDispatcher"/>).
/// The answer maps each PDU's event ID to <c>{}</c> or <c>{"error": ...}</c>.
/// </summary>
public sealed partial class TransactionReceiver(IReceivedTransactionStore transactions, InboundPduHandler pdus,
    EduDispatcher edus, ILogger<TransactionReceiver> logger)
{
    public const int MaxPdus = 50;
    public const int MaxEdus = 100;
    private const int RoomsAtOnce = 4;

    private readonly DestinationLimiter _oneAtATimePerOrigin = new(1);

    public async Task<JsonObject> ReceiveAsync(ServerName origin, string transactionId, JsonElement body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transactionId);
        var receivedPdus = ReadArray(body, "pdus", required: true);
        var receivedEdus = ReadArray(body, "edus", required: false);
        if (receivedPdus.Count > MaxPdus || receivedEdus.Count > MaxEdus)
        {
            throw new MatrixException(ErrorCode.BadJson,
                $"A transaction holds at most {MaxPdus} PDUs and {MaxEdus} EDUs");
        }

        using var turn = await _oneAtATimePerOrigin.EnterAsync(origin, cancellationToken);
        if (await transactions.GetResponseAsync(origin, transactionId, cancellationToken) is { } stored)
        {
            LogRetried(logger, origin.Value, transactionId);
            return JsonNode.Parse(stored)!.AsObject();
        }

        var results = new ConcurrentDictionary<string, JsonObject>(StringComparer.Ordinal);
        var byRoom = GroupByRoom(origin, receivedPdus);
        await Parallel.ForEachAsync(byRoom, new ParallelOptions
        {
            MaxDegreeOfParallelism = RoomsAtOnce, CancellationToken = cancellationToken,
        }, async (room, ct) => await pdus.HandleRoomAsync(origin, room.Key, room.Value, results, ct));
        await edus.DispatchAsync(origin, receivedEdus, cancellationToken);

        var answer = new JsonObject();
        foreach (var (eventId, result) in results.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            answer[eventId] = result;
        }

        var response = new JsonObject { ["pdus"] = answer };
        await transactions.SaveResponseAsync(origin, transactionId, response.ToJsonString(), cancellationToken);
        return response;
    }

    /// <summary>The PDUs of each room in the order received; a PDU without a room ID is dropped (no event ID can be
    /// computed for it without the room's version).</summary>
    private Dictionary<RoomId, List<JsonObject>> GroupByRoom(ServerName origin, List<JsonElement> received)
    {
        var byRoom = new Dictionary<RoomId, List<JsonObject>>();
        foreach (var element in received)
        {
            if (element.ValueKind != JsonValueKind.Object ||
                !element.TryGetProperty("room_id", out var roomElement) ||
                roomElement.ValueKind != JsonValueKind.String ||
                !RoomId.TryParse(roomElement.GetString(), out var roomId, out _))
            {
                LogNoRoom(logger, origin.Value);
                continue;
            }

            if (!byRoom.TryGetValue(roomId, out var list))
            {
                byRoom[roomId] = list = [];
            }

            list.Add(JsonNode.Parse(element.GetRawText())!.AsObject());
        }

        return byRoom;
    }

    private static List<JsonElement> ReadArray(JsonElement body, string property, bool required)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(property, out var array))
        {
            return required
                ? throw new MatrixException(ErrorCode.BadJson, $"The transaction has no '{property}'")
                : [];
        }

        return array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().ToList()
            : throw new MatrixException(ErrorCode.BadJson, $"'{property}' must be an array");
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Transaction {TransactionId} from {Origin} was already answered: the same answer again")]
    private static partial void LogRetried(ILogger logger, string origin, string transactionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped a PDU from {Origin} without a valid room ID")]
    private static partial void LogNoRoom(ILogger logger, string origin);
}
