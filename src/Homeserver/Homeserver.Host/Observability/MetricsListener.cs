using Homeserver.Http;

namespace Homeserver.Host.Observability;

/// <summary>
/// The metrics listener's (<c>Listen:Metrics</c>) mark, so <c>/metrics</c> is served there and nowhere else,
/// whatever the port turned out to be.
/// </summary>
public static class MetricsListener
{
    public static readonly ListenerMark Mark = new("Listen:Metrics");
}
