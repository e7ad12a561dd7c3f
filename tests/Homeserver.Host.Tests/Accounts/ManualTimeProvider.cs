namespace Homeserver.Host.Tests.Accounts;

/// <summary>A clock a test moves by hand (token expiry without waiting).</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
