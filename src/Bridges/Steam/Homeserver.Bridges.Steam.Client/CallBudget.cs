namespace Homeserver.Bridges.Steam.Client;

/// <summary>Counts calls per UTC day against a budget (0: unlimited).</summary>
internal sealed class CallBudget(int perDay, TimeProvider time)
{
    private readonly Lock _lock = new();
    private DateOnly _day;
    private int _used;

    public bool TryTake()
    {
        if (perDay <= 0)
        {
            return true;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        lock (_lock)
        {
            if (today != _day)
            {
                _day = today;
                _used = 0;
            }

            if (_used >= perDay)
            {
                return false;
            }

            _used++;
            return true;
        }
    }
}
