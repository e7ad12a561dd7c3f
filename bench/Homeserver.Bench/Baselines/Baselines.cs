using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Baselines;

/// <summary>
/// The limits a send scenario is compared with, measured in the same run at the same concurrency and operation count:
/// the bare Kestrel echo (driven by the same client code) and, when a Postgres is given, the bare insert-and-commit loop.
/// </summary>
public sealed class BaselineSet : IAsyncDisposable
{
    private const int WarmupRequests = 200;
    private readonly bool _http;
    private readonly PostgresInsertLoop? _postgres;
    private readonly TextWriter _progress;
    private HttpEchoServer? _echo;
    private MatrixHttp? _echoClient;

    public BaselineSet(bool http, string? postgresConnectionString, TextWriter progress)
    {
        _http = http;
        _postgres = postgresConnectionString is null ? null : new PostgresInsertLoop(postgresConnectionString);
        _progress = progress;
    }

    /// <summary>Measures the baselines for <paramref name="workers"/> x <paramref name="perWorker"/> operations and adds the ratios to <paramref name="result"/>.</summary>
    public async Task CompareAsync(ScenarioResult result, int workers, int perWorker, CancellationToken cancellationToken)
    {
        if (_http)
        {
            var seconds = await RunHttpAsync(workers, perWorker, cancellationToken);
            Add(result, "http echo (bare Kestrel)", workers, workers * perWorker / seconds);
        }

        if (_postgres is not null)
        {
            var seconds = await _postgres.RunAsync(workers, perWorker, cancellationToken);
            Add(result, "postgres insert+commit", workers, workers * perWorker / seconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _echoClient?.Dispose();
        if (_echo is not null)
        {
            await _echo.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private async Task<double> RunHttpAsync(int workers, int perWorker, CancellationToken cancellationToken)
    {
        if (_echo is null)
        {
            _echo = await HttpEchoServer.StartAsync(cancellationToken);
            _echoClient = new MatrixHttp(_echo.Address);
            await DriveAsync(new MatrixApi(_echoClient), 4, WarmupRequests / 4, cancellationToken);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await DriveAsync(new MatrixApi(_echoClient!), workers, perWorker, cancellationToken);
        return System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static Task DriveAsync(MatrixApi api, int workers, int perWorker, CancellationToken cancellationToken)
    {
        var session = new Session("@echo:bench", "no-token");
        var txn = Guid.NewGuid().ToString("N");
        return Load.RunWorkersAsync(workers, perWorker, async (worker, i, ct) =>
        {
            var response = await api.SendMessageAsync(session, $"!room{worker}:bench", $"{txn}-{worker}-{i}",
                Payload.Text(i), ct);
            if (!response.Ok)
            {
                throw new InvalidOperationException($"the echo baseline answered {response}");
            }
        }, cancellationToken);
    }

    private void Add(ScenarioResult result, string name, int workers, double opsPerSecond)
    {
        var ratio = opsPerSecond > 0 ? result.OpsPerSecond / opsPerSecond : 0;
        result.Limits.Add(new LimitComparison(name, workers, opsPerSecond, ratio));
        _progress.WriteLine(System.FormattableString.Invariant(
            $"[{result.Name}] limit {name} x{workers}: {opsPerSecond:F0} ops/s; scenario at {ratio:P0} of it"));
    }
}
