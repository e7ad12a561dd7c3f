using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Sync;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Sync;

public static class TypingEndpoints
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static void MapTyping(this IEndpointRouteBuilder app)
    {
        // PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId}
        app.MapPut("/_matrix/client/v3/rooms/{roomId}/typing/{userId}", async (HttpContext context, string roomId,
            string userId, TypingService typing, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var isTyping = body.TryGetProperty("typing", out var t) && t.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? t.GetBoolean()
                : throw new MatrixException(ErrorCode.BadJson, "'typing' is required and must be a boolean");
            var timeout = body.TryGetProperty("timeout", out var ms) && ms.ValueKind == JsonValueKind.Number &&
                          ms.TryGetInt64(out var millis) && millis > 0
                ? TimeSpan.FromMilliseconds(millis)
                : DefaultTimeout;
            await typing.SetTypingAsync(context.Requester(), roomId, userId, isTyping, timeout, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();
    }
}
