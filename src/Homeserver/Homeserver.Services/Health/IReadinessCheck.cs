namespace Homeserver.Services.Health;

/// <summary>One dependency the readiness probe looks at (Postgres, Redis, ...).</summary>
public interface IReadinessCheck
{
    string Name { get; }

    /// <summary>When false, a failure degrades the server instead of making it unready (Redis is optional).</summary>
    bool Required { get; }

    Task<ReadinessResult> CheckAsync(CancellationToken cancellationToken);
}

public sealed record ReadinessResult(bool Healthy, string Detail)
{
    public static readonly ReadinessResult Ok = new(true, "ok");
}
