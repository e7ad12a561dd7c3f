using Homeserver.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Homeserver.ClientApi.Http;

/// <summary>
/// Refuses a declared body over the limit before any endpoint runs. Bodies without a length (chunked)
/// are stopped by Kestrel's own limit, set to the same number, when read.
/// </summary>
public sealed class BodySizeLimitMiddleware(RequestDelegate next, long maxBodyBytes)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.ContentLength > maxBodyBytes)
        {
            throw new MatrixException(ErrorCode.TooLarge,
                $"Request body too large (limit {maxBodyBytes} bytes)");
        }

        return next(context);
    }
}
