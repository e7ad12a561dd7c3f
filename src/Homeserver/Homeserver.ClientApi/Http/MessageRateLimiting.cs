using Homeserver.Services.Rooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.ClientApi.Http;

/// <summary>
/// Marks the client endpoints that send events as the requester (send, state, redact) as counted by the per-user
/// message limit (<see cref="MessageRateLimits"/>): a token is taken before the handler runs (429 when none is left)
/// and given back when the handler fails, so refused sends do not count. Internal senders (webhooks, server notices,
/// delayed events coming due) go through the services directly and are not counted here.
/// </summary>
public static class MessageRateLimiting
{
    public static TBuilder LimitedAsMessages<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter<TBuilder, MessageRateLimitFilter>();
    }

    private sealed class MessageRateLimitFilter : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            var requester = http.Requester();
            var limits = http.RequestServices.GetRequiredService<MessageRateLimits>();
            var taken = await limits.AcquireAsync(requester, http.RequestAborted);
            try
            {
                return await next(context);
            }
            catch when (taken)
            {
                limits.Release(requester);
                throw;
            }
        }
    }
}
