using Homeserver.ClientApi.Http;
using Homeserver.Services.Presence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.ClientApi.Endpoints.Presence;

/// <summary>
/// Marks the user of every authenticated request active (presence's last active time; a write also brings an idle
/// user back online), except on endpoints that set presence themselves (<see cref="PresenceActivity.SetsOwnPresence{TBuilder}"/>: /sync with its
/// <c>set_presence</c>, PUT /presence). Runs after the access token middleware.
/// </summary>
public sealed class PresenceActivityMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.TryGetRequester() is { } requester &&
            context.GetEndpoint()?.Metadata.GetMetadata<SetsOwnPresenceMarker>() is null)
        {
            await context.RequestServices.GetRequiredService<PresenceService>()
                .RecordActivityAsync(requester, proactive: !HttpMethods.IsGet(context.Request.Method) &&
                    !HttpMethods.IsHead(context.Request.Method), context.RequestAborted);
        }

        await next(context);
    }
}

public static class PresenceActivity
{
    /// <summary>The endpoint decides the requester's presence itself; a request to it is not plain activity.</summary>
    public static TBuilder SetsOwnPresence<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(SetsOwnPresenceMarker.Instance));
        return builder;
    }
}

internal sealed class SetsOwnPresenceMarker
{
    public static readonly SetsOwnPresenceMarker Instance = new();
}
