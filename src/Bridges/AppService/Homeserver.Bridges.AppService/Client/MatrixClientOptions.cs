namespace Homeserver.Bridges.AppService.Client;

/// <summary>How the Client-Server API client talks to the homeserver.</summary>
public sealed record MatrixClientOptions
{
    /// <summary>The Client-Server API base URL (the seam that points the SDK at any homeserver).</summary>
    public required Uri HomeserverUrl { get; init; }

    public required string AsToken { get; init; }

    /// <summary>Attempts per request when rate limited (429) or the homeserver is briefly unavailable.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>The longest wait between attempts (a longer <c>retry_after_ms</c> is cut to it).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(2);
}
