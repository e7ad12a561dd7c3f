using System.Globalization;
using System.Net;
using System.Text;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Reporting;

/// <summary>A self-contained HTML page: the summary table, each phase's ratios, targets and latency charts (inline SVG, no scripts).</summary>
public static class HtmlReport
{
    public static string Render(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>homeserver-bench</title><style>")
            .Append("body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
            .Append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
            .Append("section{margin:2em 0}.charts svg{margin-right:1em;border:1px solid #ddd}.bad{color:#c53030}.ok{color:#2f855a}")
            .Append("</style></head><body>");
        html.Append(Invariant($"<h1>homeserver-bench</h1><p>{E(report.BaseUrl)}, started {report.StartedAt:u}, ")).Append(
            Invariant($"{report.ProcessorCount} cores, sizes <b>{E(report.SizePreset)}</b>, users {E(report.RunPrefix)}_*"));
        if (report.ServerRssAtEndBytes is { } rss)
        {
            html.Append(Invariant($", server RSS at the end {rss / 1048576.0:F0} MB"));
        }

        html.Append("</p>");
        AppendSummary(html, report);
        foreach (var (scenario, reason) in report.Failures)
        {
            html.Append(Invariant($"<p class=\"bad\">{E(scenario)} failed: {E(reason)}</p>"));
        }

        foreach (var result in report.Results)
        {
            AppendSection(html, result);
        }

        return html.Append("</body></html>").ToString();
    }

    private static void AppendSummary(StringBuilder html, BenchReport report)
    {
        html.Append("<table><tr><th>scenario</th><th>concurrency</th><th>ops</th><th>errors</th><th>ops/s</th>")
            .Append("<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th>server CPU (cores)</th>")
            .Append("<th>server RSS peak (MB)</th><th>ratio to limits</th></tr>");
        foreach (var r in report.Results)
        {
            var ratios = string.Join("<br>", r.Limits.Select(l => Invariant($"{l.Ratio:F2} x {E(l.Name)}")));
            html.Append(Invariant($"<tr><td><a href=\"#{E(r.Name)}\">{E(r.Name)}</a></td><td>{r.Concurrency}</td>"))
                .Append(Invariant($"<td>{r.Operations}</td><td class=\"{(r.Errors == 0 ? "ok" : "bad")}\">{r.Errors}</td>"))
                .Append(Invariant($"<td>{r.OpsPerSecond:F1}</td><td>{r.Latency.P50:F1}</td><td>{r.Latency.P95:F1}</td>"))
                .Append(Invariant($"<td>{r.Latency.P99:F1}</td><td>{r.Latency.Max:F1}</td>"))
                .Append(Invariant($"<td>{(r.Server?.CpuCores is { } cpu ? cpu.ToString("F2", CultureInfo.InvariantCulture) : "-")}</td>"))
                .Append(Invariant($"<td>{(r.Server?.RssPeakBytes is { } peak ? (peak / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) : "-")}</td>"))
                .Append(Invariant($"<td>{ratios}</td></tr>"));
        }

        html.Append("</table>");
    }

    private static void AppendSection(StringBuilder html, ScenarioResult r)
    {
        html.Append(Invariant($"<section id=\"{E(r.Name)}\"><h2>{E(r.Name)}</h2><p>{E(r.Description)}</p><ul>"));
        foreach (var limit in r.Limits)
        {
            html.Append(Invariant(
                $"<li>{r.OpsPerSecond:F0} ops/s = <b>{limit.Ratio:F2}</b> x {E(limit.Name)} at concurrency {limit.Concurrency} ({limit.OpsPerSecond:F0} ops/s)</li>"));
        }

        foreach (var target in r.Targets)
        {
            html.Append(Invariant(
                $"<li>target {E(target.Description)}: <span class=\"{(target.Met ? "ok" : "bad")}\">{(target.Met ? "met" : "not met")}</span></li>"));
        }

        foreach (var (key, value) in r.Extra)
        {
            html.Append(Invariant($"<li>{E(key)}: {value:0.##}</li>"));
        }

        foreach (var (kind, count) in r.ErrorsByKind)
        {
            html.Append(Invariant($"<li class=\"bad\">{count} x {E(kind)}</li>"));
        }

        html.Append("</ul><div class=\"charts\">")
            .Append(SvgCharts.PercentileCurve(r.LatencySamples))
            .Append(SvgCharts.Histogram(r.LatencySamples))
            .Append("</div></section>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
