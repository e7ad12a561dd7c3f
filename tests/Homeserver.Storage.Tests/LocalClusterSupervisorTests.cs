using System.Threading.Channels;
using Homeserver.Storage.Postgres;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Storage.Tests;

/// <summary>The supervisor's rules on a fake cluster and a manual clock: when it looks, when it restarts, when it gives up.</summary>
public sealed class LocalClusterSupervisorTests
{
    private static readonly ClusterRestartPolicy Policy =
        new(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4), FailuresBeforeGivingUp: 4);

    [Fact]
    public void Restart_delays_start_at_zero_then_double_from_the_first_delay_up_to_the_cap()
    {
        var delays = Enumerable.Range(0, 7).Select(Policy.DelayAfter).Select(d => d.TotalMilliseconds);

        Assert.Equal([0, 500, 1000, 2000, 4000, 4000, 4000], delays);
        Assert.Equal(TimeSpan.FromSeconds(30), ClusterRestartPolicy.Default.DelayAfter(1000));
    }

    [Fact]
    public async Task A_dead_cluster_is_restarted_at_the_next_check_and_the_owner_told()
    {
        var clock = new ManualClock();
        var cluster = new FakeCluster();
        var restarted = 0;
        await using var supervisor = new LocalClusterSupervisor(cluster, Policy, clock, NullLogger.Instance,
            () => Interlocked.Increment(ref restarted));
        supervisor.Start();

        Assert.Equal(TimeSpan.FromSeconds(2), await clock.NextTimerAsync());
        cluster.Running = false;
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(1, await cluster.NextAttemptAsync());
        Assert.Equal(TimeSpan.FromSeconds(2), await clock.NextTimerAsync());
        Assert.True(cluster.Running);
        Assert.Equal(1, supervisor.Restarts);
        Assert.Equal(1, Volatile.Read(ref restarted));
        Assert.Null(supervisor.Failure);
    }

    [Fact]
    public async Task A_running_cluster_is_left_alone()
    {
        var clock = new ManualClock();
        var cluster = new FakeCluster();
        await using var supervisor = new LocalClusterSupervisor(cluster, Policy, clock, NullLogger.Instance);
        supervisor.Start();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(2), await clock.NextTimerAsync());
            clock.Advance(TimeSpan.FromSeconds(2));
        }

        supervisor.CheckNow();
        Assert.Equal(TimeSpan.FromSeconds(2), await clock.NextTimerAsync());
        Assert.Equal(0, cluster.Attempts);
    }

    [Fact]
    public async Task A_connection_failure_has_it_look_at_once_without_waiting_for_the_interval()
    {
        var clock = new ManualClock();
        var cluster = new FakeCluster { Clock = clock };
        await using var supervisor = new LocalClusterSupervisor(cluster, Policy, clock, NullLogger.Instance);
        supervisor.Start();
        await clock.NextTimerAsync();

        cluster.Running = false;
        supervisor.CheckNow();

        Assert.Equal(1, await cluster.NextAttemptAsync());
        Assert.Equal(clock.GetUtcNow(), cluster.LastAttemptAt);
    }

    [Fact]
    public async Task Failed_restarts_back_off_and_liveness_fails_after_the_limit_until_a_restart_succeeds()
    {
        var clock = new ManualClock();
        var cluster = new FakeCluster { FailRestarts = true };
        await using var supervisor = new LocalClusterSupervisor(cluster, Policy, clock, NullLogger.Instance);
        supervisor.Start();
        await clock.NextTimerAsync();
        cluster.Running = false;
        supervisor.CheckNow();
        Assert.Equal(1, await cluster.NextAttemptAsync());

        var waits = new List<double>();
        for (var attempt = 2; attempt <= 6; attempt++)
        {
            var wait = await clock.NextTimerAsync();
            waits.Add(wait.TotalMilliseconds);
            Assert.Equal(attempt - 1 >= Policy.FailuresBeforeGivingUp, supervisor.Failure is not null);
            clock.Advance(wait - TimeSpan.FromMilliseconds(1));
            Assert.Equal(attempt - 1, cluster.Attempts); // not a moment early
            if (attempt == 6)
            {
                cluster.FailRestarts = false;
            }

            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(attempt, await cluster.NextAttemptAsync());
        }

        Assert.Equal([500, 1000, 2000, 4000, 4000], waits);
        Assert.Equal(TimeSpan.FromSeconds(2), await clock.NextTimerAsync()); // back to watching
        Assert.Null(supervisor.Failure);
        Assert.Equal(1, supervisor.Restarts);
    }

    [Fact]
    public async Task Disposing_stops_it_even_while_it_backs_off()
    {
        var clock = new ManualClock();
        var cluster = new FakeCluster { FailRestarts = true, Running = false };
        var supervisor = new LocalClusterSupervisor(cluster, Policy, clock, NullLogger.Instance);
        supervisor.Start();
        supervisor.CheckNow();
        await cluster.NextAttemptAsync();
        await clock.NextTimerAsync();

        await supervisor.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, cluster.Attempts);
    }

    private sealed class FakeCluster : ISupervisedCluster
    {
        private readonly Channel<int> _attempts = Channel.CreateUnbounded<int>();
        private int _count;
        private volatile bool _running = true;
        private volatile bool _failRestarts;

        public string Directory => "/nowhere";

        public bool Running
        {
            get => _running;
            set => _running = value;
        }

        public bool FailRestarts
        {
            get => _failRestarts;
            set => _failRestarts = value;
        }

        public int Attempts => Volatile.Read(ref _count);

        public DateTimeOffset LastAttemptAt { get; private set; }

        public ManualClock? Clock { get; init; }

        public bool IsRunning() => Running;

        public Task RestartAsync(CancellationToken cancellationToken)
        {
            LastAttemptAt = Clock?.GetUtcNow() ?? LastAttemptAt;
            var attempt = Interlocked.Increment(ref _count);
            if (!FailRestarts)
            {
                Running = true;
            }

            _attempts.Writer.TryWrite(attempt);
            return FailRestarts ? Task.FromException(new InvalidOperationException("pg_ctl start failed")) : Task.CompletedTask;
        }

        public async Task<int> NextAttemptAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            return await _attempts.Reader.ReadAsync(timeout.Token);
        }
    }
}
