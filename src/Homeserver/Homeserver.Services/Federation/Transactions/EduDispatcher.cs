using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Transactions;

/// <summary>
/// Hands each EDU of a received transaction to the <see cref="IEduHandler"/> registered for its type, in order.
/// Unknown types are ignored; a failing handler is logged and never fails the transaction. EDUs about a room whose
/// server ACL denies the origin are dropped: one naming a <c>room_id</c>, and the rooms of an <c>m.receipt</c>
/// (keyed by room ID).
/// </summary>
public sealed partial class EduDispatcher(IEnumerable<IEduHandler> handlers, ServerAclGuard acl,
    ILogger<EduDispatcher> logger)
{
    private const string ReceiptType = "m.receipt";

    private readonly ILookup<string, IEduHandler> _handlers = handlers.ToLookup(h => h.EduType, StringComparer.Ordinal);

    public async Task DispatchAsync(ServerName origin, IReadOnlyList<JsonElement> edus,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edus);
        foreach (var edu in edus)
        {
            if (edu.ValueKind != JsonValueKind.Object ||
                !edu.TryGetProperty("edu_type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String ||
                !edu.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var type = typeElement.GetString()!;
            if (!_handlers.Contains(type))
            {
                continue;
            }

            var allowed = await AllowedContentAsync(origin, type, content, cancellationToken);
            if (allowed is null)
            {
                LogDenied(logger, origin.Value, type);
                continue;
            }

            foreach (var handler in _handlers[type])
            {
                try
                {
                    await handler.HandleAsync(origin, allowed.Value, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogHandlerFailed(logger, e, origin.Value, type);
                }
            }
        }
    }

    /// <summary>The content with what the room ACLs deny the origin taken out, or null when nothing is left.</summary>
    private async Task<JsonElement?> AllowedContentAsync(ServerName origin, string type, JsonElement content,
        CancellationToken cancellationToken)
    {
        if (content.TryGetProperty("room_id", out var roomElement) && roomElement.ValueKind == JsonValueKind.String)
        {
            return RoomId.TryParse(roomElement.GetString(), out var roomId, out _) &&
                   !await acl.AllowsAsync(origin, roomId, cancellationToken)
                ? null
                : content;
        }

        if (type != ReceiptType)
        {
            return content;
        }

        var kept = new JsonObject();
        var denied = false;
        foreach (var room in content.EnumerateObject())
        {
            if (RoomId.TryParse(room.Name, out var roomId, out _) &&
                !await acl.AllowsAsync(origin, roomId, cancellationToken))
            {
                denied = true;
                continue;
            }

            kept[room.Name] = JsonNode.Parse(room.Value.GetRawText());
        }

        return !denied ? content : kept.Count == 0 ? null : JsonSerializer.SerializeToElement(kept);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Dropped an EDU {EduType} from {Origin}: the room's server ACL denies it")]
    private static partial void LogDenied(ILogger logger, string origin, string eduType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The handler of EDU {EduType} from {Origin} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string origin, string eduType);
}
