namespace Homeserver.Bridges.Steam.Sync;

/// <summary>
/// How long to wait before the next presence poll: <c>PollSeconds</c> after a poll that changed something, doubled
/// after each poll that changed nothing, never more than 4 x <c>PollSeconds</c>.
/// </summary>
public sealed class PollInterval(TimeSpan basePeriod)
{
    public const int MaxFactor = 4;

    public TimeSpan Base { get; } = basePeriod;

    public TimeSpan Current { get; private set; } = basePeriod;

    /// <summary>Takes the outcome of a poll into account; returns the wait before the next one.</summary>
    public TimeSpan After(bool changed)
    {
        Current = changed ? Base : TimeSpan.FromTicks(Math.Min(Current.Ticks * 2, Base.Ticks * MaxFactor));
        return Current;
    }
}
