using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Homeserver.ClientApi.Http;

/// <summary>
/// Serves every client endpoint that existed in r0 under <c>/_matrix/client/r0/</c> too (matrix-nio,
/// Hydrogen and older clients still use it). Done once in routing: the path is rewritten to v3 before
/// routing, and after routing an endpoint without <see cref="ExistedInR0"/> is treated as unknown.
/// </summary>
public static class R0Compatibility
{
    private const string R0Prefix = "/_matrix/client/r0";
    private const string V3Prefix = "/_matrix/client/v3";
    private static readonly object RewrittenKey = new();

    /// <summary>Marks an endpoint as one r0 had, so it answers under /_matrix/client/r0/ as well.</summary>
    public static TBuilder ExistedInR0<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(ExistedInR0Marker.Instance));
        return builder;
    }

    /// <summary>Before routing.</summary>
    public static Task RewriteAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Request.Path.StartsWithSegments(R0Prefix, StringComparison.Ordinal, out var rest))
        {
            context.Request.Path = new PathString(V3Prefix).Add(rest);
            context.Items[RewrittenKey] = true;
        }

        return next(context);
    }

    /// <summary>After routing: an r0 path may only reach endpoints marked as existing in r0.</summary>
    public static Task GateAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Items.ContainsKey(RewrittenKey) &&
            context.GetEndpoint()?.Metadata.GetMetadata<ExistedInR0Marker>() is null)
        {
            context.SetEndpoint(null);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    }

    private sealed class ExistedInR0Marker
    {
        public static readonly ExistedInR0Marker Instance = new();
    }
}
