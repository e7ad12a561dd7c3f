using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Keys;

/// <summary>
/// The key transport while no outbound federation client is registered: every fetch fails, so only keys already
/// stored (and our own) resolve. The federation client replaces this registration.
/// </summary>
public sealed class UnavailableServerKeyTransport : IServerKeyTransport
{
    public Task<JsonElement> GetJsonAsync(ServerName server, string pathAndQuery, CancellationToken cancellationToken) =>
        throw new HttpRequestException($"no outbound federation client: cannot reach {server}");

    public Task<JsonElement> PostJsonAsync(ServerName server, string path, JsonNode body,
        CancellationToken cancellationToken) =>
        throw new HttpRequestException($"no outbound federation client: cannot reach {server}");
}
