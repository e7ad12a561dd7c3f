namespace Homeserver.Bench.Measurement;

/// <summary>What one measured phase of a scenario gave (a scenario may have several, e.g. send-conc's two parts).</summary>
public sealed record ScenarioResult
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>Operations in flight at once.</summary>
    public required int Concurrency { get; init; }

    /// <summary>Operations done (successes and errors).</summary>
    public required int Operations { get; init; }

    public required int Errors { get; init; }

    public required IReadOnlyDictionary<string, int> ErrorsByKind { get; init; }

    public required double WallSeconds { get; init; }

    public double OpsPerSecond => WallSeconds > 0 ? Operations / WallSeconds : 0;

    /// <summary>Latency of successful operations, in milliseconds.</summary>
    public required LatencyStats Latency { get; init; }

    /// <summary>At most a few hundred latencies spread over the sorted samples (ms), for charts.</summary>
    public required IReadOnlyList<double> LatencySamples { get; init; }

    /// <summary>The server's memory and CPU over the phase, when its pid was given.</summary>
    public ServerUsage? Server { get; init; }

    /// <summary>CPU used by this tool over the phase, as cores: when it nears the machine's cores, the client is the limit.</summary>
    public double? ClientCpuCores { get; init; }

    /// <summary>This phase's throughput against the baselines (filled in after they run).</summary>
    public List<LimitComparison> Limits { get; init; } = [];

    /// <summary>The targets for this scenario and whether this run met them.</summary>
    public List<TargetCheck> Targets { get; init; } = [];

    /// <summary>Scenario-specific figures (e.g. memory per idle connection).</summary>
    public Dictionary<string, double> Extra { get; init; } = [];
}

/// <summary>RSS (bytes) before, at the end of and at the highest sample during the phase; CPU as cores used on average.</summary>
public sealed record ServerUsage(long? RssBeforeBytes, long? RssAfterBytes, long? RssPeakBytes, double? CpuCores);

/// <summary>A baseline measured in the same run at the same concurrency and the ratio of the scenario's throughput to it.</summary>
public sealed record LimitComparison(string Name, int Concurrency, double OpsPerSecond, double Ratio);

public sealed record TargetCheck(string Description, bool Met);
