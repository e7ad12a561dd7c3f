using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Homeserver.Http;

/// <summary>One Information line per request: method, route template, status, duration, request id.</summary>
public sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var elapsedMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
                var route = RouteTemplate.Of(context);
                LogRequest(logger, context.Request.Method, route, context.Response.StatusCode, elapsedMs,
                    context.TraceIdentifier);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Method} {Route} {Status} {DurationMs}ms (request {RequestId})")]
    private static partial void LogRequest(ILogger logger, string method, string route, int status,
        double durationMs, string requestId);
}
