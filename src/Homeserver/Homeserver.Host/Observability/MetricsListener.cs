using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Homeserver.Host.Observability;

/// <summary>
/// Tells requests that came in on the metrics listener (<c>Listen:Metrics</c>) from the others by a mark its
/// connections carry, so <c>/metrics</c> is served there and nowhere else, whatever the port turned out to be.
/// </summary>
public static class MetricsListener
{
    private static readonly object Mark = new();

    /// <summary>Connection middleware for the metrics listener's <c>ListenOptions.Use</c>.</summary>
    public static ConnectionDelegate MarkConnections(ConnectionDelegate next) => connection =>
    {
        connection.Items[Mark] = Mark;
        return next(connection);
    };

    public static bool Accepted(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Mark) == true;
    }
}
