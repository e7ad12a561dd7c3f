using System.Diagnostics;
using System.Globalization;

namespace Homeserver.Bench.Measurement;

/// <summary>
/// One measured phase: its clock, its <see cref="Recorder"/>, the server's CPU and RSS around it, and a progress line on
/// the progress writer every second while it runs.
/// </summary>
public sealed class ScenarioRun : IAsyncDisposable
{
    private const int ChartPoints = 400;
    private readonly string _name;
    private readonly string _description;
    private readonly int _concurrency;
    private readonly int _planned;
    private readonly ServerProcess? _server;
    private readonly TextWriter _progress;
    private readonly long _started;
    private readonly long? _rssBefore;
    private readonly double? _cpuBefore;
    private readonly TimeSpan _clientCpuBefore = Environment.CpuUsage.TotalTime;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _progressLoop;
    private long _rssPeak;
    private double? _wallSeconds;

    public ScenarioRun(string name, string description, int concurrency, int plannedOperations, ServerProcess? server,
        TextWriter progress)
    {
        _name = name;
        _description = description;
        _concurrency = concurrency;
        _planned = plannedOperations;
        _server = server;
        _progress = progress;
        _rssBefore = server?.RssBytes();
        _rssPeak = _rssBefore ?? 0;
        _cpuBefore = server?.CpuSeconds();
        _started = Stopwatch.GetTimestamp();
        _progressLoop = ReportProgressAsync(_stop.Token);
    }

    public Recorder Recorder { get; } = new();

    /// <summary>Samples the server's RSS now (a scenario calls this at its moment of interest, e.g. with all connections open).</summary>
    public long? SampleRss()
    {
        var rss = _server?.RssBytes();
        if (rss is { } value)
        {
            InterlockedMax(ref _rssPeak, value);
        }

        return rss;
    }

    /// <summary>Stops the clock (only the first call counts), so teardown after the measurement is not timed.</summary>
    public void StopClock() => _wallSeconds ??= Stopwatch.GetElapsedTime(_started).TotalSeconds;

    /// <summary>Stops the clock and the progress line and returns the phase's figures.</summary>
    public async Task<ScenarioResult> CompleteAsync(Dictionary<string, double>? extra = null)
    {
        StopClock();
        var wall = _wallSeconds!.Value;
        var rssAfter = SampleRss();
        var cpuAfter = _server?.CpuSeconds();
        await _stop.CancelAsync();
        await _progressLoop;
        var sorted = Recorder.SortedLatencies();
        var result = new ScenarioResult
        {
            Name = _name,
            Description = _description,
            Concurrency = _concurrency,
            Operations = Recorder.Operations,
            Errors = Recorder.ErrorCount,
            ErrorsByKind = new SortedDictionary<string, int>(Recorder.Errors.ToDictionary(), StringComparer.Ordinal),
            WallSeconds = wall,
            Latency = LatencyStats.From(sorted),
            LatencySamples = LatencyStats.Downsample(sorted, ChartPoints),
            Server = _server is null
                ? null
                : new ServerUsage(_rssBefore, rssAfter, _rssPeak == 0 ? null : _rssPeak,
                    cpuAfter - _cpuBefore is { } cpu && wall > 0 ? cpu / wall : null),
            ClientCpuCores = wall > 0 ? (Environment.CpuUsage.TotalTime - _clientCpuBefore).TotalSeconds / wall : null,
            Extra = extra ?? [],
        };
        await _progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"[{_name}] done: {result.Operations} ops in {wall:F2} s, {result.OpsPerSecond:F1} ops/s, p50 {result.Latency.P50:F1} ms, p99 {result.Latency.P99:F1} ms, {result.Errors} errors"));
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _progressLoop;
        _stop.Dispose();
    }

    private async Task ReportProgressAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var lastOps = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var ops = Recorder.Operations;
                var rss = SampleRss();
                var memory = rss is { } bytes ? $", server RSS {bytes / 1048576.0:F0} MB" : "";
                await _progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"[{_name}] {ops}/{_planned} ops, {Recorder.ErrorCount} errors, {ops - lastOps} ops/s{memory}"));
                lastOps = ops;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
