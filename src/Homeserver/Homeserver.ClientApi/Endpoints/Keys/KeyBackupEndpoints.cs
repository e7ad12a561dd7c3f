using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Keys.Backup;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Keys;

/// <summary>Server-side key backups: /room_keys/version and /room_keys/keys at its three levels.</summary>
public static class KeyBackupEndpoints
{
    private const string Versions = "/_matrix/client/v3/room_keys/version";
    private const string Keys = "/_matrix/client/v3/room_keys/keys";

    public static void MapKeyBackup(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v3/room_keys/version
        app.MapPost(Versions, async (HttpContext context, KeyBackupService backup, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return Results.Json(await backup.CreateVersionAsync(context.Requester(), body, cancellationToken));
        }).RequireAccessToken();

        // GET /_matrix/client/v3/room_keys/version
        app.MapGet(Versions, async (HttpContext context, KeyBackupService backup, CancellationToken cancellationToken) =>
            Results.Json(await backup.GetVersionAsync(context.Requester(), null, cancellationToken)))
            .RequireAccessToken();

        // GET /_matrix/client/v3/room_keys/version/{version}
        app.MapGet(Versions + "/{version}", async (HttpContext context, string version, KeyBackupService backup,
                CancellationToken cancellationToken) =>
            Results.Json(await backup.GetVersionAsync(context.Requester(), version, cancellationToken)))
            .RequireAccessToken();

        // PUT /_matrix/client/v3/room_keys/version/{version}
        app.MapPut(Versions + "/{version}", async (HttpContext context, string version, KeyBackupService backup,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await backup.UpdateVersionAsync(context.Requester(), version, body, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken();

        // DELETE /_matrix/client/v3/room_keys/version/{version}
        app.MapDelete(Versions + "/{version}", async (HttpContext context, string version, KeyBackupService backup,
            CancellationToken cancellationToken) =>
        {
            await backup.DeleteVersionAsync(context.Requester(), version, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken();

        MapKeys(app, Keys, _ => BackupKeyScope.All, (_, body) => KeyBackupBody.ReadRooms(body));
        MapKeys(app, Keys + "/{roomId}", route => new BackupKeyScope(route("roomId"), null),
            (scope, body) => KeyBackupBody.ReadSessions(scope.RoomId!, body));
        MapKeys(app, Keys + "/{roomId}/{sessionId}", route => new BackupKeyScope(route("roomId"), route("sessionId")),
            (scope, body) => [KeyBackupBody.ReadKey(scope.RoomId!, scope.SessionId!, body)]);
    }

    // PUT, GET and DELETE /_matrix/client/v3/room_keys/keys[/{roomId}[/{sessionId}]]
    private static void MapKeys(IEndpointRouteBuilder app, string pattern, Func<Func<string, string>, BackupKeyScope> scopeOf,
        Func<BackupKeyScope, System.Text.Json.JsonElement, IReadOnlyList<BackedUpKey>> readBody)
    {
        app.MapPut(pattern, async (HttpContext context, string? version, KeyBackupService backup,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var keys = readBody(scopeOf(RouteValue(context)), body);
            return Results.Json(await backup.PutKeysAsync(context.Requester(), version, keys, cancellationToken));
        }).RequireAccessToken();

        app.MapGet(pattern, async (HttpContext context, string? version, KeyBackupService backup,
                CancellationToken cancellationToken) =>
            Results.Json(await backup.GetKeysAsync(context.Requester(), version, scopeOf(RouteValue(context)),
                cancellationToken)))
            .RequireAccessToken();

        app.MapDelete(pattern, async (HttpContext context, string? version, KeyBackupService backup,
                CancellationToken cancellationToken) =>
            Results.Json(await backup.DeleteKeysAsync(context.Requester(), version, scopeOf(RouteValue(context)),
                cancellationToken)))
            .RequireAccessToken();
    }

    private static Func<string, string> RouteValue(HttpContext context) =>
        name => context.Request.RouteValues[name] as string ?? "";
}
