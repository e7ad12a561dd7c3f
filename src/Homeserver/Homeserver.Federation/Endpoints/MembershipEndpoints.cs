using System.Text.Json.Nodes;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Services.Federation.Membership;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Federation.Endpoints;

/// <summary>
/// The resident server's side of the membership handshakes (spec: Server-Server API, "Joining rooms", "Leaving rooms",
/// "Knocking upon a room", "Third-party invites"). The v1 send_join and send_leave, deprecated but still used, answer
/// <c>[200, body]</c>.
/// </summary>
public static class MembershipEndpoints
{
    public static void MapMembershipHandshakes(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/federation/v1/make_join/{roomId}/{userId}
        app.MapGet("/_matrix/federation/v1/make_join/{roomId}/{userId}", async (HttpContext context, string roomId,
                string userId, MembershipTemplates templates, CancellationToken cancellationToken) =>
            BufferedJson.Of(await templates.MakeJoinAsync(context.Origin(), roomId, userId, Versions(context),
                cancellationToken)));

        // GET /_matrix/federation/v1/make_leave/{roomId}/{userId}
        app.MapGet("/_matrix/federation/v1/make_leave/{roomId}/{userId}", async (HttpContext context, string roomId,
                string userId, MembershipTemplates templates, CancellationToken cancellationToken) =>
            BufferedJson.Of(await templates.MakeLeaveAsync(context.Origin(), roomId, userId, cancellationToken)));

        // GET /_matrix/federation/v1/make_knock/{roomId}/{userId}
        app.MapGet("/_matrix/federation/v1/make_knock/{roomId}/{userId}", async (HttpContext context, string roomId,
                string userId, MembershipTemplates templates, CancellationToken cancellationToken) =>
            BufferedJson.Of(await templates.MakeKnockAsync(context.Origin(), roomId, userId, Versions(context),
                cancellationToken)));

        // PUT /_matrix/federation/v2/send_join/{roomId}/{eventId}
        app.MapPut("/_matrix/federation/v2/send_join/{roomId}/{eventId}", async (HttpContext context,
                string roomId, string eventId, MembershipSends sends, CancellationToken cancellationToken) =>
            BufferedJson.Of(await SendJoinAsync(context, roomId, eventId, sends, cancellationToken)));

        // PUT /_matrix/federation/v1/send_join/{roomId}/{eventId} (deprecated)
        app.MapPut("/_matrix/federation/v1/send_join/{roomId}/{eventId}", async (HttpContext context,
                string roomId, string eventId, MembershipSends sends, CancellationToken cancellationToken) =>
            BufferedJson.Of(V1(await SendJoinAsync(context, roomId, eventId, sends, cancellationToken))));

        // PUT /_matrix/federation/v2/send_leave/{roomId}/{eventId}
        app.MapPut("/_matrix/federation/v2/send_leave/{roomId}/{eventId}", async (HttpContext context,
                string roomId, string eventId, MembershipSends sends, CancellationToken cancellationToken) =>
            BufferedJson.Of(await SendLeaveAsync(context, roomId, eventId, sends, cancellationToken)));

        // PUT /_matrix/federation/v1/send_leave/{roomId}/{eventId} (deprecated)
        app.MapPut("/_matrix/federation/v1/send_leave/{roomId}/{eventId}", async (HttpContext context,
                string roomId, string eventId, MembershipSends sends, CancellationToken cancellationToken) =>
            BufferedJson.Of(V1(await SendLeaveAsync(context, roomId, eventId, sends, cancellationToken))));

        // PUT /_matrix/federation/v1/send_knock/{roomId}/{eventId}
        app.MapPut("/_matrix/federation/v1/send_knock/{roomId}/{eventId}", async (HttpContext context,
            string roomId, string eventId, MembershipSends sends, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return BufferedJson.Of(await sends.SendKnockAsync(context.Origin(), roomId, eventId, body,
                cancellationToken));
        });

        // PUT /_matrix/federation/v1/exchange_third_party_invite/{roomId}
        app.MapPut("/_matrix/federation/v1/exchange_third_party_invite/{roomId}", async (HttpContext context,
            string roomId, ThirdPartyInviteExchange exchange, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await exchange.ExchangeAsync(context.Origin(), roomId, body, cancellationToken);
            return BufferedJson.Of(new JsonObject());
        });
    }

    private static async Task<JsonObject> SendJoinAsync(HttpContext context, string roomId, string eventId,
        MembershipSends sends, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        var omitMembers = string.Equals(context.Request.Query["omit_members"].FirstOrDefault(), "true",
            StringComparison.Ordinal);
        return await sends.SendJoinAsync(context.Origin(), roomId, eventId, body, omitMembers, cancellationToken);
    }

    private static async Task<JsonObject> SendLeaveAsync(HttpContext context, string roomId, string eventId,
        MembershipSends sends, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        return await sends.SendLeaveAsync(context.Origin(), roomId, eventId, body, cancellationToken);
    }

    /// <summary>The <c>ver</c> query parameters (repeated).</summary>
    private static string[] Versions(HttpContext context) =>
        context.Request.Query["ver"].OfType<string>().ToArray();

    private static JsonArray V1(JsonObject body) => new(200, body);
}
