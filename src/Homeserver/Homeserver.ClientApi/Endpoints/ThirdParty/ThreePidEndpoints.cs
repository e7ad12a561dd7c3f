using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.ThirdParty;

/// <summary>
/// Third-party identifiers (e-mail, phone): this server keeps none and sends neither e-mail nor SMS (capability
/// <c>m.3pid_changes</c> is false). Lists are empty; every way to add one is refused with the spec's error for it.
/// </summary>
public static class ThreePidEndpoints
{
    public static void MapThreePids(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/account/3pid
        app.MapGet("/_matrix/client/v3/account/3pid", () => Results.Json(new JsonObject { ["threepids"] = new JsonArray() }))
            .RequireAccessToken().ExistedInR0();

        // POST /_matrix/client/v3/account/3pid (deprecated): the credentials cannot be verified (403, as declared)
        app.MapPost("/_matrix/client/v3/account/3pid", async (HttpContext context, CancellationToken cancellationToken) =>
        {
            await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            throw new MatrixException(ErrorCode.ThreepidAuthFailed, "This server does not verify third-party identifiers",
                403);
        }).RequireAccessToken().ExistedInR0();

        // POST /_matrix/client/v3/account/3pid/add (Synapse answers the same when 3PID changes are off)
        app.MapPost("/_matrix/client/v3/account/3pid/add", async (HttpContext context, CancellationToken cancellationToken) =>
        {
            await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            throw new MatrixException(ErrorCode.Forbidden, "3PID changes are disabled on this server");
        }).RequireAccessToken();

        // POST /_matrix/client/v3/account/3pid/bind: no identity server is trusted
        app.MapPost("/_matrix/client/v3/account/3pid/bind", async (HttpContext context, CancellationToken cancellationToken) =>
        {
            await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            throw new MatrixException(ErrorCode.ServerNotTrusted, "This server trusts no identity server");
        }).RequireAccessToken();

        // POST /_matrix/client/v3/account/3pid/delete and /unbind: nothing to remove, no identity server to ask
        foreach (var path in new[] { "/_matrix/client/v3/account/3pid/delete", "/_matrix/client/v3/account/3pid/unbind" })
        {
            app.MapPost(path, async (HttpContext context, CancellationToken cancellationToken) =>
            {
                var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
                RequireString(body, "medium");
                RequireString(body, "address");
                return Results.Json(new JsonObject { ["id_server_unbind_result"] = "no-support" });
            }).RequireAccessToken().ExistedInR0();
        }

        foreach (var medium in new[] { "email", "msisdn" })
        {
            // POST /_matrix/client/v3/register/{email|msisdn}/requestToken
            RefuseToken(app, $"/_matrix/client/v3/register/{medium}/requestToken", ErrorCode.ThreepidDenied,
                $"Registration with {medium} is not supported on this server");

            // POST /_matrix/client/v3/account/password/{email|msisdn}/requestToken
            RefuseToken(app, $"/_matrix/client/v3/account/password/{medium}/requestToken", ErrorCode.ThreepidDenied,
                $"Password reset by {medium} is not supported on this server");

            // POST /_matrix/client/v3/account/3pid/{email|msisdn}/requestToken
            RefuseToken(app, $"/_matrix/client/v3/account/3pid/{medium}/requestToken",
                ErrorCode.ThreepidMediumNotSupported, $"This server does not support adding {medium} identifiers");
        }
    }

    // No token is ever sent, so no body can be answered with 200; a body that is not JSON is still M_NOT_JSON.
    private static void RefuseToken(IEndpointRouteBuilder app, string path, ErrorCode code, string message) =>
        app.MapPost(path, async (HttpContext context, CancellationToken cancellationToken) =>
        {
            await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            throw new MatrixException(code, message);
        }).ExistedInR0();

    private static void RequireString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw new MatrixException(ErrorCode.MissingParam, $"'{name}' is required");
        }
    }
}
