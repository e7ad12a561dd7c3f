using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Keys;
using Homeserver.Services.Rooms.Directory;

namespace Homeserver.Services.Federation.Queries;

/// <summary>
/// The client API's questions to other servers: aliases (<c>/query/directory</c>), profiles (<c>/query/profile</c>),
/// room directories (<c>/publicRooms</c>), device keys (<c>/user/keys/query</c>, <c>/user/keys/claim</c>). Every
/// answer is read as untrusted: identifiers are parsed, only the expected fields are kept.
/// </summary>
public sealed class FederationQueryClient(FederationClient client) : IRemoteRoomDirectory, IRemoteProfiles,
    IRemoteKeyQueries
{
    public async Task<RemoteAlias> QueryAliasAsync(RoomAlias alias, CancellationToken cancellationToken)
    {
        var answer = await GetObjectAsync(alias.Domain,
            "/_matrix/federation/v1/query/directory?room_alias=" + Uri.EscapeDataString(alias.Value),
            $"Room alias {alias.Value}", unreachableIsNotFound: true, cancellationToken);
        if (!RoomId.TryParse(answer["room_id"]?.GetValueKind() == JsonValueKind.String
                ? answer["room_id"]!.GetValue<string>()
                : null, out var roomId, out _))
        {
            throw BadAnswer(alias.Domain, "no valid room_id");
        }

        var servers = new List<ServerName>();
        if (answer["servers"] is JsonArray listed)
        {
            foreach (var server in listed)
            {
                if (server?.GetValueKind() == JsonValueKind.String &&
                    ServerName.TryParse(server.GetValue<string>(), out var name, out _) && !servers.Contains(name))
                {
                    servers.Add(name);
                }
            }
        }

        return new RemoteAlias(roomId, servers.Count > 0 ? servers : [alias.Domain]);
    }

    public async Task<JsonObject> PublicRoomsAsync(ServerName server, PublicRoomsRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject();
        if (request.Limit is { } limit)
        {
            body["limit"] = limit;
        }

        if (request.Since is not null)
        {
            body["since"] = request.Since;
        }

        if (request.SearchTerm is not null || request.RoomTypes is not null)
        {
            var filter = new JsonObject();
            if (request.SearchTerm is not null)
            {
                filter["generic_search_term"] = request.SearchTerm;
            }

            if (request.RoomTypes is not null)
            {
                filter["room_types"] = new JsonArray(request.RoomTypes.Select(t => (JsonNode?)t).ToArray());
            }

            body["filter"] = filter;
        }

        var answer = await SendObjectAsync(HttpMethod.Post, server, "/_matrix/federation/v1/publicRooms", body,
            $"The room directory of {server}", unreachableIsNotFound: false, cancellationToken);
        if (answer["chunk"] is not JsonArray chunk)
        {
            throw BadAnswer(server, "no chunk");
        }

        var result = new JsonObject
        {
            ["chunk"] = new JsonArray(chunk.OfType<JsonObject>().Where(r => r["room_id"]?.GetValueKind() == JsonValueKind.String)
                .Select(r => (JsonNode?)r.DeepClone()).ToArray()),
        };
        foreach (var name in (string[])["next_batch", "prev_batch"])
        {
            if (answer[name]?.GetValueKind() == JsonValueKind.String)
            {
                result[name] = answer[name]!.GetValue<string>();
            }
        }

        if (answer["total_room_count_estimate"]?.GetValueKind() == JsonValueKind.Number)
        {
            result["total_room_count_estimate"] = answer["total_room_count_estimate"]!.DeepClone();
        }

        return result;
    }

    public async Task<JsonObject> GetAsync(UserId userId, string? field, CancellationToken cancellationToken)
    {
        var uri = "/_matrix/federation/v1/query/profile?user_id=" + Uri.EscapeDataString(userId.Value) +
                  (field is null ? "" : "&field=" + Uri.EscapeDataString(field));
        return await GetObjectAsync(userId.Domain, uri, $"The profile of {userId.Value}", unreachableIsNotFound: true,
            cancellationToken);
    }

    public Task<JsonObject> QueryAsync(ServerName server, JsonObject deviceKeys, TimeSpan timeout,
        CancellationToken cancellationToken) =>
        KeyRequestAsync(server, "/_matrix/federation/v1/user/keys/query",
            new JsonObject { ["device_keys"] = deviceKeys.DeepClone() }, timeout, cancellationToken);

    public Task<JsonObject> ClaimAsync(ServerName server, JsonObject oneTimeKeys, TimeSpan timeout,
        CancellationToken cancellationToken) =>
        KeyRequestAsync(server, "/_matrix/federation/v1/user/keys/claim",
            new JsonObject { ["one_time_keys"] = oneTimeKeys.DeepClone() }, timeout, cancellationToken);

    private async Task<JsonObject> KeyRequestAsync(ServerName server, string uri, JsonObject body, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.SendAsync(HttpMethod.Post, server, uri,
                JsonSerializer.SerializeToUtf8Bytes(body), cancellationToken, timeout);
            return ParseObject(server, response.Body);
        }
        catch (FederationException e)
        {
            throw new RemoteKeyException(e.Failure == FederationFailure.ErrorResponse ? e.StatusCode ?? 502 : 503,
                e.Message, e);
        }
        catch (MatrixException e)
        {
            throw new RemoteKeyException(502, e.Message, e);
        }
    }

    private Task<JsonObject> GetObjectAsync(ServerName server, string uri, string what, bool unreachableIsNotFound,
        CancellationToken cancellationToken) =>
        SendObjectAsync(HttpMethod.Get, server, uri, null, what, unreachableIsNotFound, cancellationToken);

    private async Task<JsonObject> SendObjectAsync(HttpMethod method, ServerName server, string uri, JsonObject? body,
        string what, bool unreachableIsNotFound, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.SendAsync(method, server, uri,
                body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body), cancellationToken);
            return ParseObject(server, response.Body);
        }
        catch (FederationException e)
        {
            throw ForClient(e, what, unreachableIsNotFound);
        }
    }

    private static JsonObject ParseObject(ServerName server, byte[] body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw BadAnswer(server, "not a JSON object");
        }
        catch (JsonException)
        {
            throw BadAnswer(server, "not JSON");
        }
    }

    /// <summary>
    /// The client sees the other server's 404 and 403 as they were (as Synapse passes errors on), anything else as
    /// 502: the other server, not the client, failed. Where the spec's answers for the endpoint have no 5xx (profiles,
    /// aliases), a server that gave no answer is 404 instead: nothing could be found.
    /// </summary>
    internal static MatrixException ForClient(FederationException e, string what, bool unreachableIsNotFound = false)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is { Failure: FederationFailure.ErrorResponse, StatusCode: 404 })
        {
            return new MatrixException(ErrorCode.NotFound, $"{what} was not found on {e.Destination}");
        }

        if (e is { Failure: FederationFailure.ErrorResponse, StatusCode: 403 })
        {
            return new MatrixException(ErrorCode.Forbidden, $"{e.Destination} refused: {e.Error ?? "forbidden"}");
        }

        return unreachableIsNotFound
            ? new MatrixException(ErrorCode.NotFound, $"{what} could not be fetched from {e.Destination}")
            : new MatrixException(ErrorCode.Unknown, $"{what} could not be fetched from {e.Destination}", 502);
    }

    private static MatrixException BadAnswer(ServerName server, string problem) =>
        new(ErrorCode.Unknown, $"{server} answered with {problem}", 502);
}
