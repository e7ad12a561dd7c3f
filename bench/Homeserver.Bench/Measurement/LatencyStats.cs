namespace Homeserver.Bench.Measurement;

/// <summary>Percentiles of a set of latencies, in milliseconds (nearest-rank).</summary>
public sealed record LatencyStats(int Count, double Min, double Mean, double P50, double P95, double P99, double Max)
{
    public static LatencyStats From(IReadOnlyList<double> sortedMs) => sortedMs.Count == 0
        ? new LatencyStats(0, 0, 0, 0, 0, 0, 0)
        : new LatencyStats(sortedMs.Count, sortedMs[0], sortedMs.Average(), Percentile(sortedMs, 50),
            Percentile(sortedMs, 95), Percentile(sortedMs, 99), sortedMs[^1]);

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>At most <paramref name="points"/> values spread evenly over the sorted samples (for charts and JSON).</summary>
    public static IReadOnlyList<double> Downsample(IReadOnlyList<double> sorted, int points)
    {
        if (sorted.Count <= points)
        {
            return sorted;
        }

        var result = new double[points];
        for (var i = 0; i < points; i++)
        {
            result[i] = sorted[(int)((long)i * (sorted.Count - 1) / (points - 1))];
        }

        return result;
    }
}
