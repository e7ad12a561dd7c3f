using System.Text.Json.Nodes;

namespace Homeserver.Bridges.AppService.Http;

/// <summary>
/// Answers the homeserver's questions about users and aliases in our namespaces that it does not know
/// (spec: GET /users/{userId}, GET /rooms/{roomAlias}). To say yes, create the user or the room with the alias
/// first (through an intent), then return true. The default says no to both.
/// </summary>
public interface IAppServiceQueryHandler
{
    Task<bool> UserExistsAsync(string userId, CancellationToken cancellationToken);

    Task<bool> RoomAliasExistsAsync(string alias, CancellationToken cancellationToken);
}

/// <summary>
/// The third-party lookups (spec: /thirdparty/protocol, /location, /user). Null means none found (404
/// <c>M_NOT_FOUND</c>). The default knows no protocol.
/// </summary>
public interface IThirdPartyHandler
{
    Task<JsonObject?> GetProtocolAsync(string protocol, CancellationToken cancellationToken);

    Task<JsonArray?> QueryLocationsAsync(string protocol, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken);

    Task<JsonArray?> QueryUsersAsync(string protocol, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken);

    Task<JsonArray?> LocationsOfAliasAsync(string alias, CancellationToken cancellationToken);

    Task<JsonArray?> UsersOfUserIdAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>Knows no users or aliases beyond those already on the homeserver.</summary>
public sealed class NoQueries : IAppServiceQueryHandler
{
    public Task<bool> UserExistsAsync(string userId, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<bool> RoomAliasExistsAsync(string alias, CancellationToken cancellationToken) => Task.FromResult(false);
}

/// <summary>Bridges no third-party protocol.</summary>
public sealed class NoThirdParty : IThirdPartyHandler
{
    public Task<JsonObject?> GetProtocolAsync(string protocol, CancellationToken cancellationToken) => Task.FromResult<JsonObject?>(null);

    public Task<JsonArray?> QueryLocationsAsync(string protocol, IReadOnlyDictionary<string, string> fields,
        CancellationToken cancellationToken) => Task.FromResult<JsonArray?>(null);

    public Task<JsonArray?> QueryUsersAsync(string protocol, IReadOnlyDictionary<string, string> fields,
        CancellationToken cancellationToken) => Task.FromResult<JsonArray?>(null);

    public Task<JsonArray?> LocationsOfAliasAsync(string alias, CancellationToken cancellationToken) => Task.FromResult<JsonArray?>(null);

    public Task<JsonArray?> UsersOfUserIdAsync(string userId, CancellationToken cancellationToken) => Task.FromResult<JsonArray?>(null);
}
