using System.Globalization;
using System.Text;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Reporting;

/// <summary>The plain-text summary printed at the end of a run.</summary>
public static class TableReport
{
    private static readonly string[] Headers =
        ["scenario", "conc", "ops", "errors", "ops/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "cpu", "rss MB", "bench cpu"];

    public static string Render(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = report.Results.Select(Row).ToList();
        var widths = Headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length)))
            .ToArray();
        var text = new StringBuilder();
        text.AppendLine(Line(Headers, widths));
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            text.AppendLine(Line(row, widths));
        }

        text.AppendLine();
        foreach (var result in report.Results)
        {
            AppendDetails(text, result);
        }

        foreach (var (scenario, reason) in report.Failures)
        {
            text.AppendLine(Invariant($"{scenario}: FAILED: {reason}"));
        }

        if (report.ServerRssAtEndBytes is { } rss)
        {
            text.AppendLine(Invariant($"server RSS at the end of the run: {rss / 1048576.0:F0} MB"));
        }

        text.AppendLine(Invariant($"machine: {report.ProcessorCount} cores; sizes: {report.SizePreset}"));
        return text.ToString();
    }

    private static void AppendDetails(StringBuilder text, ScenarioResult result)
    {
        foreach (var limit in result.Limits)
        {
            text.AppendLine(Invariant(
                $"{result.Name}: {result.OpsPerSecond:F0} ops/s = {limit.Ratio:F2} x {limit.Name} at concurrency {limit.Concurrency} ({limit.OpsPerSecond:F0} ops/s)"));
        }

        foreach (var target in result.Targets)
        {
            text.AppendLine($"{result.Name}: target {target.Description}: {(target.Met ? "met" : "NOT met")}");
        }

        foreach (var (key, value) in result.Extra)
        {
            text.AppendLine(Invariant($"{result.Name}: {key} = {Format(key, value)}"));
        }

        foreach (var (kind, count) in result.ErrorsByKind)
        {
            text.AppendLine(Invariant($"{result.Name}: {count} x error {kind}"));
        }
    }

    private static string Format(string key, double value) => key.EndsWith("_bytes", StringComparison.Ordinal)
        ? Invariant($"{value:F0} ({value / 1048576.0:F1} MB)")
        : Invariant($"{value:0.##}");

    private static string[] Row(ScenarioResult r) =>
    [
        r.Name, Invariant($"{r.Concurrency}"), Invariant($"{r.Operations}"), Invariant($"{r.Errors}"),
        Invariant($"{r.OpsPerSecond:F1}"), Invariant($"{r.Latency.P50:F1}"), Invariant($"{r.Latency.P95:F1}"),
        Invariant($"{r.Latency.P99:F1}"), Invariant($"{r.Latency.Max:F1}"),
        r.Server?.CpuCores is { } cpu ? Invariant($"{cpu:F2}") : "-",
        r.Server?.RssPeakBytes is { } rss ? Invariant($"{rss / 1048576.0:F0}") : "-",
        r.ClientCpuCores is { } client ? Invariant($"{client:F2}") : "-",
    ];

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
