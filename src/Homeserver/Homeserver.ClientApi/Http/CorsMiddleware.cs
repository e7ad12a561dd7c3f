using Microsoft.AspNetCore.Http;

namespace Homeserver.ClientApi.Http;

/// <summary>
/// CORS as the client-server spec's "Web Browser Clients" section asks: its recommended headers on every
/// response, and every OPTIONS request answered with them and nothing else (no endpoint logic runs).
/// </summary>
public sealed class CorsMiddleware(RequestDelegate next)
{
    public const string AllowOrigin = "*";
    public const string AllowMethods = "GET, POST, PUT, DELETE, OPTIONS";
    public const string AllowHeaders = "X-Requested-With, Content-Type, Authorization";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.AccessControlAllowOrigin = AllowOrigin;
            headers.AccessControlAllowMethods = AllowMethods;
            headers.AccessControlAllowHeaders = AllowHeaders;
            return Task.CompletedTask;
        }, context.Response);

        if (HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        return next(context);
    }
}
