using System.Globalization;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Health;
using Homeserver.Services.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Homeserver.Http;

/// <summary>
/// The one place errors become responses: <see cref="MatrixException"/> as its errcode and status,
/// unmatched paths as 404 and wrong methods as 405 <c>M_UNRECOGNIZED</c>, oversized bodies as 413
/// <c>M_TOO_LARGE</c>, <see cref="ServiceUnavailableException"/> (the writer shutting down) and a dependency out of reach
/// (<see cref="IOutageClassifier"/>: the database down or restarting) as 503 <c>M_UNKNOWN</c> with <c>Retry-After</c>,
/// and anything unexpected as a logged 500 <c>M_UNKNOWN</c> without internals.
/// </summary>
public sealed partial class MatrixErrorMiddleware(RequestDelegate next, ILogger<MatrixErrorMiddleware> logger,
    IEnumerable<IOutageClassifier> outageClassifiers)
{
    // A writer shutting down is over as soon as another process (or this one, restarted) takes the request.
    private static readonly TimeSpan ShutdownRetryAfter = TimeSpan.FromSeconds(2);

    private readonly IOutageClassifier[] _outageClassifiers = outageClassifiers.ToArray();

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context);
        }
        catch (MatrixException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await MatrixErrorWriter.WriteAsync(context, e);
            return;
        }
        catch (UiaChallengeException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(e.Body, context.RequestAborted);
            return;
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Raised by Kestrel while reading the body: too large, truncated, or malformed framing.
            context.Response.Clear();
            if (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await MatrixErrorWriter.WriteAsync(context, 413, ErrorCode.TooLarge, "Request body too large");
            }
            else
            {
                await MatrixErrorWriter.WriteAsync(context, e.StatusCode, ErrorCode.Unknown, "Bad request: " + e.Message);
            }

            return;
        }
        catch (ServiceUnavailableException e) when (!context.Response.HasStarted)
        {
            await WriteUnavailableAsync(context, ShutdownRetryAfter, e.Message);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return;
        }
        catch (Exception e) when (!context.Response.HasStarted && Outage(e) is { } outage)
        {
            LogOutage(logger, outage.Dependency, context.Request.Method, RouteTemplate.Of(context),
                context.TraceIdentifier, e.Message);
            await WriteUnavailableAsync(context, outage.RetryAfter,
                $"Service temporarily unavailable ({outage.Dependency} cannot be reached); try again later");
            return;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            LogUnhandled(logger, e, context.Request.Method, RouteTemplate.Of(context), context.TraceIdentifier);
            context.Response.Clear();
            await MatrixErrorWriter.WriteAsync(context, 500, ErrorCode.Unknown,
                $"Internal server error (request {context.TraceIdentifier})");
            return;
        }

        if (context.Response.HasStarted)
        {
            return;
        }

        if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed)
        {
            await MatrixErrorWriter.WriteAsync(context, 405, ErrorCode.Unrecognized, "Method not allowed on this endpoint");
        }
        else if (context.Response.StatusCode == StatusCodes.Status404NotFound && context.GetEndpoint() is null)
        {
            await MatrixErrorWriter.WriteAsync(context, 404, ErrorCode.Unrecognized, "Unrecognized request");
        }
    }

    // 503 M_UNKNOWN: the server may do this later (or another process may now), so clients are told when to retry.
    private static Task WriteUnavailableAsync(HttpContext context, TimeSpan retryAfter, string message)
    {
        context.Response.Clear();
        context.Response.Headers.RetryAfter =
            Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return MatrixErrorWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCode.Unknown, message);
    }

    private DependencyOutage? Outage(Exception exception)
    {
        foreach (var classifier in _outageClassifiers)
        {
            if (classifier.Classify(exception) is { } outage)
            {
                return outage;
            }
        }

        return null;
    }

    // No stack trace: during an outage every request fails the same way.
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Dependency} unavailable: 503 for {Method} {Route} (request {RequestId}): {Reason}")]
    private static partial void LogOutage(ILogger logger, string dependency, string method, string route,
        string requestId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception in {Method} {Route} (request {RequestId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string route,
        string requestId);
}
