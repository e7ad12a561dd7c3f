using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Client;

/// <summary>
/// Signs outbound federation requests (spec: Server-Server API, "Request Authentication"): the value of the
/// <c>Authorization</c> header, <c>X-Matrix origin=...,destination=...,key=...,sig=...</c>. The signed JSON uses the
/// server names before delegation, and <c>uri</c> is the path with its query, from <c>/_matrix</c>.
/// </summary>
public interface IFederationRequestSigner
{
    /// <param name="body">The JSON request body as sent, or null when there is none.</param>
    string CreateAuthorization(string method, string uri, ServerName destination, ReadOnlyMemory<byte>? body);
}
