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
        // A request without a body may come as empty memory (a null array converts to it), not only as null.
        var content = body is { IsEmpty: false } bytes ? JsonNode.Parse(bytes.Span) : null;
        return RequestSigning.Sign(keys.Current, keys.ServerName, destination.Value, method, uri, content)
            .ToHeaderValue();
    }
}
