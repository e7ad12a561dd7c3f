using System.Globalization;
using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Http;
using Homeserver.Services.Federation.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Federation.Endpoints;

/// <summary>Key publishing and the notary (spec: Server-Server API, "Retrieving server keys").</summary>
public static class KeyEndpoints
{
    public static void MapServerKeys(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/key/v2/server (and the deprecated /server/{keyId}, still asked for by older servers: the
        // document holds every key, whichever was named)
        app.MapGet("/_matrix/key/v2/server", GetServerKeysAsync);
        app.MapGet("/_matrix/key/v2/server/{keyId}", GetServerKeysAsync);

        // GET /_matrix/key/v2/query/{serverName} (and the deprecated /query/{serverName}/{keyId})
        app.MapGet("/_matrix/key/v2/query/{serverName}", QueryOneServerAsync);
        app.MapGet("/_matrix/key/v2/query/{serverName}/{keyId}", QueryOneServerAsync);

        // POST /_matrix/key/v2/query
        app.MapPost("/_matrix/key/v2/query", async (HttpContext context, NotaryService notary,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return BufferedJson.Of(await notary.QueryAsync(ReadCriteria(body), cancellationToken));
        });
    }

    private static async Task<IResult> GetServerKeysAsync(LocalServerKeys keys, CancellationToken cancellationToken) =>
        BufferedJson.Of(await keys.GetDocumentAsync(cancellationToken));

    private static async Task<IResult> QueryOneServerAsync(HttpContext context, string serverName, string? keyId,
        NotaryService notary, CancellationToken cancellationToken)
    {
        var minimum = MinimumValidUntil(context.Request.Query["minimum_valid_until_ts"].FirstOrDefault());
        var keyIds = keyId is null ? new Dictionary<string, long?>() : new Dictionary<string, long?> { [keyId] = minimum };
        var query = new ServerKeyQuery(ParseServerName(serverName), keyIds, minimum);
        return BufferedJson.Of(await notary.QueryAsync([query], cancellationToken));
    }

    private static List<ServerKeyQuery> ReadCriteria(JsonElement body)
    {
        if (!body.TryGetProperty("server_keys", out var servers))
        {
            throw new MatrixException(ErrorCode.MissingParam, "server_keys is required");
        }

        if (servers.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, "server_keys must be an object");
        }

        var criteria = new List<ServerKeyQuery>();
        foreach (var server in servers.EnumerateObject())
        {
            if (server.Value.ValueKind != JsonValueKind.Object)
            {
                throw new MatrixException(ErrorCode.BadJson, $"server_keys.{server.Name} must be an object");
            }

            var keys = new Dictionary<string, long?>(StringComparer.Ordinal);
            foreach (var key in server.Value.EnumerateObject())
            {
                if (key.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new MatrixException(ErrorCode.BadJson, $"server_keys.{server.Name}.{key.Name} must be an object");
                }

                long? minimum = null;
                if (key.Value.TryGetProperty("minimum_valid_until_ts", out var ts))
                {
                    minimum = ts.TryGetInt64(out var value)
                        ? value
                        : throw new MatrixException(ErrorCode.BadJson, "minimum_valid_until_ts must be an integer");
                }

                keys[key.Name] = minimum;
            }

            criteria.Add(new ServerKeyQuery(ParseServerName(server.Name), keys, null));
        }

        return criteria;
    }

    private static long? MinimumValidUntil(string? text) =>
        text is null ? null
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : throw new MatrixException(ErrorCode.InvalidParam, "minimum_valid_until_ts must be an integer");

    private static ServerName ParseServerName(string text) =>
        ServerName.TryParse(text, out var name, out var error)
            ? name
            : throw new MatrixException(ErrorCode.InvalidParam, $"Invalid server name: {error}");
}
