namespace Homeserver.Services.Health;

/// <summary>
/// Tells a dependency being out of reach (the database down or restarting) from a bug, so that the error mapping
/// answers 503 with <c>Retry-After</c> instead of 500. Implemented by the storage that knows its driver's exceptions.
/// </summary>
public interface IOutageClassifier
{
    /// <summary>The outage <paramref name="exception"/> reports, or null when it reports none.</summary>
    DependencyOutage? Classify(Exception exception);
}

/// <summary>A dependency out of reach, and how long a client should wait before trying again.</summary>
public sealed record DependencyOutage(string Dependency, TimeSpan RetryAfter);
