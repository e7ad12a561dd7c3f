using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Homeserver.Bridges.AppService.Http;

/// <summary>
/// Turns what escapes an endpoint into a spec-shaped answer: a body that could not be read is 400 <c>M_BAD_JSON</c>;
/// a failure of ours (the store out of reach, a query handler's bug) is logged and answered 503 <c>M_UNKNOWN</c>, which
/// makes the homeserver retry the transaction later.
/// </summary>
public sealed partial class ErrorBoundary(ILogger<ErrorBoundary> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context);
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
        catch (BadHttpRequestException e)
        {
            return AppServiceErrors.Error(e.StatusCode, "M_BAD_JSON", "The request body could not be read");
        }
        catch (Exception e)
        {
            LogFailed(logger, e, context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return AppServiceErrors.Error(StatusCodes.Status503ServiceUnavailable, "M_UNKNOWN", "The appservice could not handle this now");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, PathString path);
}
