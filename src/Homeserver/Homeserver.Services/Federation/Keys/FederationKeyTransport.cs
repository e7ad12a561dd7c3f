using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;

namespace Homeserver.Services.Federation.Keys;

/// <summary>Key fetches (<c>/_matrix/key/v2/*</c>) over the federation client: discovery, TLS, limits and back-off.</summary>
public sealed class FederationKeyTransport(FederationClient client) : IServerKeyTransport
{
    public Task<JsonElement> GetJsonAsync(ServerName server, string pathAndQuery, CancellationToken cancellationToken) =>
        client.GetJsonAsync<JsonElement>(server, pathAndQuery, cancellationToken);

    public Task<JsonElement> PostJsonAsync(ServerName server, string path, JsonNode body,
        CancellationToken cancellationToken) =>
        client.PostJsonAsync<JsonNode, JsonElement>(server, path, body, cancellationToken);
}
