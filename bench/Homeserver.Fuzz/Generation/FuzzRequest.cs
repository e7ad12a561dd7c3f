using Homeserver.Fuzz.Spec;

namespace Homeserver.Fuzz.Generation;

/// <summary>Whose access token a request carries.</summary>
public enum TokenUse
{
    /// <summary>The token of <see cref="FuzzRequest.Requester"/>.</summary>
    Requester,

    /// <summary>
    /// A user registered for this one request: endpoints that end sessions or accounts (logout, deactivate, password)
    /// must not end the run's users.
    /// </summary>
    Disposable,

    None,

    /// <summary>A token no server issued.</summary>
    Bogus,
}

/// <summary>One generated request, fully determined by the seed and its index.</summary>
/// <param name="PathAndQuery">As sent on the wire (percent-encoded).</param>
/// <param name="ContentType">The Content-Type header, or null for none.</param>
/// <param name="Mutation">What was done to the valid request (<c>valid</c> when nothing).</param>
public sealed record FuzzRequest(
    int Index,
    SpecEndpoint Endpoint,
    string Method,
    string PathAndQuery,
    string? ContentType,
    byte[]? Body,
    TokenUse Token,
    int Requester,
    string Mutation);
