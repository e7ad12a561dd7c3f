namespace Homeserver.Services.Health;

/// <summary>
/// Something that knows when the server can no longer recover by itself, so that restarting the process is due
/// (<c>GET /health</c> answers 503). An outage the server rides out (and readiness reports) is not one.
/// </summary>
public interface ILivenessCheck
{
    string Name { get; }

    /// <summary>Null while the server can still recover by itself; otherwise why it cannot.</summary>
    string? Failure { get; }
}
