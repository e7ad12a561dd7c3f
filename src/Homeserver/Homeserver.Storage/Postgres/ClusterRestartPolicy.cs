namespace Homeserver.Storage.Postgres;

/// <summary>
/// How <see cref="LocalClusterSupervisor"/> watches and restarts the local cluster: it looks every
/// <see cref="CheckInterval"/> (and at once when a request meets a connection failure); a cluster found dead is
/// restarted at once, and after each failed attempt again after a delay that doubles from
/// <see cref="FirstRetryDelay"/> up to <see cref="MaxRetryDelay"/>. After <see cref="FailuresBeforeGivingUp"/>
/// failed attempts in a row liveness fails (a process restart is due), though attempts go on.
/// </summary>
public sealed record ClusterRestartPolicy(TimeSpan CheckInterval, TimeSpan FirstRetryDelay, TimeSpan MaxRetryDelay,
    int FailuresBeforeGivingUp)
{
    /// <summary>Checks every 2 s; retries after 0.5, 1, 2, ... 30 s; gives up after 8 failures (about a minute).</summary>
    public static readonly ClusterRestartPolicy Default =
        new(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), 8);

    /// <summary>The wait before the next restart attempt after <paramref name="failures"/> failed ones in a row.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        if (failures <= 0)
        {
            return TimeSpan.Zero;
        }

        var delay = FirstRetryDelay;
        for (var i = 1; i < failures && delay < MaxRetryDelay; i++)
        {
            delay *= 2;
        }

        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }
}
