using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Http;

/// <summary>
/// Which listener a request came in on: connections accepted by a marked listener carry this mark in their items,
/// set by connection middleware on that listener (ports may be chosen by the system, so they cannot say it).
/// One instance per listener, named by its settings key (<c>Listen:Federation</c>, <c>Listen:Metrics</c>).
/// </summary>
public sealed class ListenerMark(string key)
{
    public string Key { get; } = key;

    /// <summary>Connection middleware for the listener's <c>ListenOptions.Use</c>.</summary>
    public ConnectionDelegate MarkConnections(ConnectionDelegate next) => connection =>
    {
        connection.Items[this] = this;
        return next(connection);
    };

    public bool Accepted(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(this) == true;
    }

    public override string ToString() => Key;
}
