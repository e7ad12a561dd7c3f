using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Federation.Http;

/// <summary>
/// Which listener a request came in on: connections accepted by the federation listener carry a mark in their items,
/// set by connection middleware on that listener (ports may be chosen by the system, so they cannot say it).
/// </summary>
public static class FederationListener
{
    private static readonly object Mark = new();

    /// <summary>Connection middleware for the federation listener's <c>ListenOptions.Use</c>.</summary>
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
