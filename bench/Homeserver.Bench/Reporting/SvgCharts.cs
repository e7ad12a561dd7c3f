using System.Globalization;
using System.Text;

namespace Homeserver.Bench.Reporting;

/// <summary>Small inline SVG charts of latency samples (no scripts): a percentile curve and a histogram.</summary>
public static class SvgCharts
{
    private const int Width = 420;
    private const int Height = 220;
    private const int Left = 50;
    private const int Bottom = 30;
    private const int Top = 10;
    private const int Right = 10;
    private const int PlotWidth = Width - Left - Right;
    private const int PlotHeight = Height - Top - Bottom;
    private const int Bins = 24;

    /// <summary>Latency (y, ms) at each percentile (x, 0 to 100) of sorted samples.</summary>
    public static string PercentileCurve(IReadOnlyList<double> sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var svg = Begin("latency by percentile");
        if (sorted.Count == 0)
        {
            return End(svg);
        }

        var max = NiceMax(sorted[^1]);
        Axes(svg, max, "percentile", ["0", "50", "90", "100"], [0, 0.5, 0.9, 1]);
        var points = new StringBuilder();
        for (var i = 0; i < sorted.Count; i++)
        {
            var x = Left + (sorted.Count == 1 ? 1 : (double)i / (sorted.Count - 1)) * PlotWidth;
            var y = Top + PlotHeight - sorted[i] / max * PlotHeight;
            points.Append(Invariant($"{x:F1},{y:F1} "));
        }

        svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"2\" points=\"{points}\"/>"));
        return End(svg);
    }

    /// <summary>How many samples fall in each of equal latency bins from 0 to the maximum.</summary>
    public static string Histogram(IReadOnlyList<double> sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var svg = Begin("latency histogram");
        if (sorted.Count == 0)
        {
            return End(svg);
        }

        var max = NiceMax(sorted[^1]);
        var counts = new int[Bins];
        foreach (var value in sorted)
        {
            counts[Math.Min(Bins - 1, (int)(value / max * Bins))]++;
        }

        var highest = Math.Max(1, counts.Max());
        Axes(svg, highest, "ms", [Label(0), Label(max / 2), Label(max)], [0, 0.5, 1], yIsCount: true);
        var barWidth = (double)PlotWidth / Bins;
        for (var i = 0; i < Bins; i++)
        {
            var h = (double)counts[i] / highest * PlotHeight;
            svg.Append(Invariant(
                $"<rect x=\"{Left + i * barWidth + 1:F1}\" y=\"{Top + PlotHeight - h:F1}\" width=\"{barWidth - 2:F1}\" height=\"{h:F1}\" fill=\"#38a169\"><title>{Label(i * max / Bins)}-{Label((i + 1) * max / Bins)} ms: {counts[i]}</title></rect>"));
        }

        return End(svg);
    }

    private static StringBuilder Begin(string title) => new StringBuilder()
        .Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\"><title>{title}</title>"))
        .Append(Invariant($"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#fff\"/>"));

    private static string End(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static void Axes(StringBuilder svg, double yMax, string xTitle, string[] xLabels, double[] xAt,
        bool yIsCount = false)
    {
        var baseline = Top + PlotHeight;
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{baseline}\" x2=\"{Left + PlotWidth}\" y2=\"{baseline}\" stroke=\"#444\"/>"));
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{baseline}\" stroke=\"#444\"/>"));
        foreach (var fraction in new[] { 0, 0.5, 1 })
        {
            var y = baseline - fraction * PlotHeight;
            var label = yIsCount ? Invariant($"{fraction * yMax:F0}") : Label(fraction * yMax);
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Left + PlotWidth}\" y2=\"{y:F1}\" stroke=\"#eee\"/>"));
            svg.Append(Invariant($"<text x=\"{Left - 4}\" y=\"{y + 4:F1}\" font-size=\"10\" text-anchor=\"end\">{label}</text>"));
        }

        for (var i = 0; i < xLabels.Length; i++)
        {
            var x = Left + xAt[i] * PlotWidth;
            svg.Append(Invariant($"<text x=\"{x:F1}\" y=\"{baseline + 14}\" font-size=\"10\" text-anchor=\"middle\">{xLabels[i]}</text>"));
        }

        svg.Append(Invariant($"<text x=\"{Left + PlotWidth / 2}\" y=\"{Height - 2}\" font-size=\"10\" text-anchor=\"middle\">{xTitle}</text>"));
        svg.Append(Invariant($"<text x=\"12\" y=\"{Top + PlotHeight / 2}\" font-size=\"10\" text-anchor=\"middle\" transform=\"rotate(-90 12 {Top + PlotHeight / 2})\">{(yIsCount ? "samples" : "ms")}</text>"));
    }

    /// <summary>A round upper bound a little above <paramref name="value"/> (1, 2 or 5 times a power of ten).</summary>
    private static double NiceMax(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1.0, 2, 5, 10 })
        {
            if (step * power >= value)
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    private static string Label(double ms) => ms >= 10 ? Invariant($"{ms:F0}") : Invariant($"{ms:0.##}");

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
