using Homeserver.Bench.Measurement;

namespace Homeserver.Bench;

/// <summary>A whole run: where, when, on what machine, and every scenario phase's figures.</summary>
public sealed record BenchReport
{
    public required string BaseUrl { get; init; }

    public required string RunPrefix { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required int ProcessorCount { get; init; }

    public required string SizePreset { get; init; }

    public required BenchSizes Sizes { get; init; }

    public required IReadOnlyList<ScenarioResult> Results { get; init; }

    /// <summary>The server's RSS at the end of the run (bytes), when its pid was given.</summary>
    public long? ServerRssAtEndBytes { get; init; }

    /// <summary>Scenarios that failed during setup or measurement, with the reason.</summary>
    public required IReadOnlyDictionary<string, string> Failures { get; init; }
}
