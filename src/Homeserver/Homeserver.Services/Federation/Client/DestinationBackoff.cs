using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Client;

/// <summary>The back-off of one destination: failing since, and no request before <see cref="RetryAt"/>.</summary>
public sealed record DestinationBackoffState(DateTimeOffset FailingSince, DateTimeOffset RetryAt, TimeSpan Interval);

/// <summary>
/// Per destination: after a failure (no connection, a timeout, 5xx, 401 or 429, as Synapse counts them), requests
/// fail at once until the back-off ends; the interval starts at the minimum and doubles (×0.8 to ×1.4 jitter, as
/// Synapse) per failure up to the maximum; a success clears it. Failures while already backing off (requests sent
/// before it began) do not grow it. In memory, per process. Also meant for the federation sender: it can ask when a
/// destination is next worth trying, and clear it when the destination shows it is back (it sent us something).
/// </summary>
public sealed class DestinationBackoff(TimeSpan minInterval, TimeSpan maxInterval, TimeProvider time, Random random)
{
    private readonly Dictionary<string, DestinationBackoffState> _states = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Raised (outside the lock) when a destination that was failing succeeded or was cleared.</summary>
    public event Action<ServerName>? Recovered;

    /// <summary>The destination's back-off, or null when it is not failing.</summary>
    public DestinationBackoffState? StateOf(ServerName destination)
    {
        lock (_lock)
        {
            return _states.GetValueOrDefault(destination.Value);
        }
    }

    /// <summary>Destinations failing now (backing off, or past their retry time with no success since).</summary>
    public int FailingCount
    {
        get
        {
            lock (_lock)
            {
                return _states.Count;
            }
        }
    }

    /// <summary>True when requests to the destination must not be sent now.</summary>
    public bool IsBackingOff(ServerName destination, out DateTimeOffset retryAt)
    {
        var state = StateOf(destination);
        retryAt = state?.RetryAt ?? default;
        return state is not null && time.GetUtcNow() < state.RetryAt;
    }

    public void RecordFailure(ServerName destination)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_states.TryGetValue(destination.Value, out var state))
            {
                _states[destination.Value] = new DestinationBackoffState(now, now + minInterval, minInterval);
                return;
            }

            if (now < state.RetryAt)
            {
                return;
            }

            var grown = state.Interval * 2 * (0.8 + 0.6 * random.NextDouble());
            var interval = grown > maxInterval ? maxInterval : grown;
            _states[destination.Value] = state with { RetryAt = now + interval, Interval = interval };
        }
    }

    /// <summary>A request succeeded, or the destination showed it is back: its back-off ends.</summary>
    public void RecordSuccess(ServerName destination)
    {
        bool removed;
        lock (_lock)
        {
            removed = _states.Remove(destination.Value);
        }

        if (removed)
        {
            Recovered?.Invoke(destination);
        }
    }
}
