using System.Collections.Concurrent;
using System.Diagnostics;
using Homeserver.Bench.Client;

namespace Homeserver.Bench.Measurement;

/// <summary>Thread-safe tally of one measured phase: latencies of successful operations and errors by kind.</summary>
public sealed class Recorder
{
    private readonly List<double> _latencies = [];
    private readonly ConcurrentDictionary<string, int> _errors = new(StringComparer.Ordinal);
    private int _operations;
    private int _errorCount;

    public int Operations => Volatile.Read(ref _operations);

    public int ErrorCount => Volatile.Read(ref _errorCount);

    public IReadOnlyDictionary<string, int> Errors => _errors;

    public void Success(double milliseconds)
    {
        lock (_latencies)
        {
            _latencies.Add(milliseconds);
        }

        Interlocked.Increment(ref _operations);
    }

    public void Error(string key)
    {
        _errors.AddOrUpdate(key, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _errorCount);
        Interlocked.Increment(ref _operations);
    }

    /// <summary>
    /// Times one request: a 2xx is a success with its latency; another status or a network failure is an error. A 429 is
    /// counted as an error, then waited out and tried again (as a client would).
    /// </summary>
    public async Task<ApiResponse?> TimeAsync(Func<CancellationToken, Task<ApiResponse>> call,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            ApiResponse response;
            try
            {
                response = await call(cancellationToken);
            }
            catch (HttpRequestException e)
            {
                Error("exception " + e.GetType().Name);
                return null;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Error("timeout");
                return null;
            }

            if (response.Ok)
            {
                Success(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return response;
            }

            Error(response.ErrorKey);
            if (response.Status != 429)
            {
                return response;
            }

            await Task.Delay(response.RetryAfter!.Value, cancellationToken);
        }
    }

    /// <summary>The latencies so far, sorted.</summary>
    public List<double> SortedLatencies()
    {
        List<double> copy;
        lock (_latencies)
        {
            copy = [.. _latencies];
        }

        copy.Sort();
        return copy;
    }
}
