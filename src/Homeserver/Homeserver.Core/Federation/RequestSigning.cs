using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Signing;

namespace Homeserver.Core.Federation;

/// <summary>
/// Signing and checking server-server requests (spec: Server-Server API, "Request Authentication"): the signature
/// covers the canonical JSON of <c>{method, uri, origin, destination, content}</c>, <c>content</c> being the parsed
/// request body when there is one and <c>uri</c> the path with its query string, as sent.
/// </summary>
public static class RequestSigning
{
    /// <summary>The JSON object a request's signature covers.</summary>
    public static JsonObject SignedObject(string method, string uri, string origin, string destination,
        JsonNode? content)
    {
        var json = new JsonObject
        {
            ["method"] = method,
            ["uri"] = uri,
            ["origin"] = origin,
            ["destination"] = destination,
        };
        if (content is not null)
        {
            json["content"] = content.DeepClone();
        }

        return json;
    }

    /// <summary>The Authorization header for a request from <paramref name="origin"/> to <paramref name="destination"/>.</summary>
    public static XMatrixAuthorization Sign(SigningKey key, string origin, string destination, string method,
        string uri, JsonNode? content)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signature = JsonSigning.ComputeSignature(SignedObject(method, uri, origin, destination, content), key);
        return new XMatrixAuthorization(origin, destination, key.KeyId, signature);
    }

    /// <summary>
    /// Checks the header's signature over the request. <paramref name="destination"/> is the receiving server's name:
    /// the header's own <c>destination</c> must already have been compared with it (older senders leave it out).
    /// </summary>
    public static SignatureCheck Verify(XMatrixAuthorization authorization, string destination, string method,
        string uri, JsonElement? content, ReadOnlySpan<byte> publicKey)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var json = SignedObject(method, uri, authorization.Origin, destination,
            content is { } body ? JsonSerializer.SerializeToNode(body) : null);
        JsonSigning.AddSignature(json, authorization.Origin, authorization.KeyId, authorization.Signature);
        return JsonSigning.Verify(JsonSerializer.SerializeToElement(json), authorization.Origin, authorization.KeyId,
            publicKey);
    }
}
