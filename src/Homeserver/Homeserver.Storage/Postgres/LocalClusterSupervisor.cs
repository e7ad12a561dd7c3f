using Homeserver.Services.Health;
using Microsoft.Extensions.Logging;

namespace Homeserver.Storage.Postgres;

/// <summary>A Postgres cluster a supervisor can watch and start again.</summary>
public interface ISupervisedCluster
{
    string Directory { get; }

    /// <summary>Whether the postmaster is alive (cheap: no process is started to find out).</summary>
    bool IsRunning();

    /// <summary>Starts the cluster again after it died; throws when it does not come up.</summary>
    Task RestartAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Keeps the local cluster this process started running: checks it on <see cref="TimeProvider"/> time every
/// <see cref="ClusterRestartPolicy.CheckInterval"/> and whenever <see cref="CheckNow"/> is called (a request met a
/// connection failure), and restarts a dead one with back-off (<see cref="ClusterRestartPolicy"/>). As a liveness check
/// it fails once too many restarts in a row have failed.
/// </summary>
public sealed partial class LocalClusterSupervisor : ILivenessCheck, IAsyncDisposable
{
    private readonly ISupervisedCluster _cluster;
    private readonly ClusterRestartPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action? _restarted;
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _wake = NewSignal();
    private Task _loop = Task.CompletedTask;
    private int _failures;
    private int _restarts;

    /// <param name="restarted">Called after each successful restart (the owner drops pooled connections to the old server).</param>
    public LocalClusterSupervisor(ISupervisedCluster cluster, ClusterRestartPolicy policy, TimeProvider time,
        ILogger logger, Action? restarted = null)
    {
        _cluster = cluster;
        _policy = policy;
        _time = time;
        _logger = logger;
        _restarted = restarted;
    }

    public string Name => "postgres";

    public string? Failure
    {
        get
        {
            var failures = Volatile.Read(ref _failures);
            return failures >= _policy.FailuresBeforeGivingUp
                ? $"the local Postgres cluster in {_cluster.Directory} did not restart ({failures} attempts in a row failed)"
                : null;
        }
    }

    /// <summary>Successful restarts so far.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>Look at the cluster now rather than at the next interval (cheap; calls while busy are merged).</summary>
    public void CheckNow() => Volatile.Read(ref _wake).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await WaitForCheckAsync(cancellationToken);
                if (!_cluster.IsRunning())
                {
                    await RestartUntilRunningAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task WaitForCheckAsync(CancellationToken cancellationToken)
    {
        var wake = Volatile.Read(ref _wake).Task;
        using (var interval = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var tick = Task.Delay(_policy.CheckInterval, _time, interval.Token);
            await Task.WhenAny(tick, wake);
            await interval.CancelAsync();
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (wake.IsCompleted)
        {
            // A call after this point wakes the next wait; one between the wake and here is served by this check.
            Volatile.Write(ref _wake, NewSignal());
        }
    }

    private async Task RestartUntilRunningAsync(CancellationToken cancellationToken)
    {
        LogDown(_logger, _cluster.Directory);
        var failures = 0;
        while (true)
        {
            var delay = _policy.DelayAfter(failures);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, cancellationToken);
            }

            try
            {
                await _cluster.RestartAsync(cancellationToken);
            }
#pragma warning disable CA1031 // whatever stopped the start, the next attempt may succeed
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                failures++;
                Volatile.Write(ref _failures, failures);
                LogRestartFailed(_logger, e, _cluster.Directory, failures, _policy.DelayAfter(failures).TotalSeconds);
                continue;
            }

            Volatile.Write(ref _failures, 0);
            Interlocked.Increment(ref _restarts);
            LogRestarted(_logger, _cluster.Directory, failures + 1);
            _restarted?.Invoke();
            return;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Error, Message = "The local Postgres cluster in {Directory} is not running; restarting it")]
    private static partial void LogDown(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Restarting the local Postgres cluster in {Directory} failed ({Failures} in a row); next attempt in {DelaySeconds} s")]
    private static partial void LogRestartFailed(ILogger logger, Exception exception, string directory, int failures,
        double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restarted the local Postgres cluster in {Directory} (attempt {Attempt})")]
    private static partial void LogRestarted(ILogger logger, string directory, int attempt);
}
