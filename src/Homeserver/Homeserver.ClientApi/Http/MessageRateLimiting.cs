using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.ClientApi.Http;

/// <summary>
/// Marks the client endpoints that send events as the requester (send, state, redact) as counted by the per-user
/// message limit (<see cref="MessageRateLimits"/>): a token is taken before the handler runs (429 when none is left)
/// and given back when the handler fails, so refused sends do not count. Internal senders (webhooks, server notices,
/// delayed events coming due) go through the services directly and are not counted here. A retry of a transaction
/// that already made its event is let through uncounted (the handler answers it with that event), as the spec makes
/// sends idempotent per txnId.
/// </summary>
public static class MessageRateLimiting
{
    /// <param name="transactionPrefix">For endpoints with a <c>{txnId}</c>: what the requester's transaction key is
    /// (prefix + txnId), so that retries pass; null for endpoints without one.</param>
    public static TBuilder LimitedAsMessages<TBuilder>(this TBuilder builder, string? transactionPrefix = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter(new MessageRateLimitFilter(transactionPrefix));
    }

    private sealed class MessageRateLimitFilter(string? transactionPrefix) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            var requester = http.Requester();
            var limits = http.RequestServices.GetRequiredService<MessageRateLimits>();
            bool taken;
            try
            {
                taken = await limits.AcquireAsync(requester, http.RequestAborted);
            }
            catch (MatrixException e) when (e.Code == ErrorCode.LimitExceeded)
            {
                if (!await IsRetryOfSentTransactionAsync(http, requester))
                {
                    throw;
                }

                return await next(context);
            }

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

        private async Task<bool> IsRetryOfSentTransactionAsync(HttpContext http, Requester requester) =>
            transactionPrefix is not null && http.Request.RouteValues["txnId"] is string txnId &&
            await http.RequestServices.GetRequiredService<MessagingService>()
                .FindSentAsync(requester, transactionPrefix + txnId, http.RequestAborted) is not null;
    }
}
