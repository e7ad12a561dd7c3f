using System.Text.Json.Nodes;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Keys;

namespace Homeserver.Services.Federation.Client;

/// <summary>Signs outbound requests with this server's current signing key (the X-Matrix header).</summary>
public sealed class XMatrixRequestSigner(LocalServerKeys keys) : IFederationRequestSigner
{
    public string CreateAuthorization(string method, string uri, ServerName destination, ReadOnlyMemory<byte>? body)
    {
        var content = body is { } bytes ? JsonNode.Parse(bytes.Span) : null;
        return RequestSigning.Sign(keys.Current, keys.ServerName, destination.Value, method, uri, content)
            .ToHeaderValue();
    }
}
