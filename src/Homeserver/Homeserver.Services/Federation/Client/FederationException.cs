using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Client;

public enum FederationFailure
{
    /// <summary>Discovery found nowhere to connect, or no target accepted a connection (or its TLS).</summary>
    Unreachable,

    /// <summary>No full answer within the request timeout.</summary>
    Timeout,

    /// <summary>The answer was larger than allowed; it was cut off.</summary>
    ResponseTooLarge,

    /// <summary>The destination failed recently and is backing off: nothing was sent.</summary>
    BackingOff,

    /// <summary>The destination answered with an error status (<see cref="FederationException.StatusCode"/>).</summary>
    ErrorResponse,

    /// <summary>A success status whose body is not the JSON expected.</summary>
    InvalidResponse,

    /// <summary>This server's settings refuse federation with the destination: nothing was sent.</summary>
    NotAllowed,
}

/// <summary>An outbound federation request that did not give a usable answer.</summary>
public sealed class FederationException(
    ServerName destination, FederationFailure failure, string message, Exception? inner = null)
    : Exception($"{destination}: {message}", inner)
{
    public ServerName Destination { get; } = destination;

    public FederationFailure Failure { get; } = failure;

    /// <summary>The HTTP status of an <see cref="FederationFailure.ErrorResponse"/>.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The <c>errcode</c> of an error response's JSON body, when it had one.</summary>
    public string? ErrCode { get; init; }

    /// <summary>The <c>error</c> of an error response's JSON body, when it had one.</summary>
    public string? Error { get; init; }

    /// <summary>When a <see cref="FederationFailure.BackingOff"/> destination will be tried again.</summary>
    public DateTimeOffset? RetryAt { get; init; }
}
