using Homeserver.Core.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Homeserver.Http;

/// <summary>
/// Refuses a declared body over the limit before any endpoint runs: the server's, or the endpoint's own
/// (<see cref="BodyLimit.WithBodyLimit{TBuilder}"/>, media uploads). Bodies without a length (chunked) are stopped
/// when read: by Kestrel's limit, set to the server's and raised here to the endpoint's.
/// </summary>
public sealed class BodySizeLimitMiddleware(RequestDelegate next, long maxBodyBytes)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var limit = maxBodyBytes;
        if (context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit.Metadata>() is { } own)
        {
            limit = own.MaxBytes;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }
        }

        if (context.Request.ContentLength > limit)
        {
            throw new MatrixException(ErrorCode.TooLarge, $"Request body too large (limit {limit} bytes)");
        }

        return next(context);
    }
}

public static class BodyLimit
{
    /// <summary>The endpoint takes bodies up to <paramref name="maxBytes"/> instead of the server's limit.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long maxBytes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(new Metadata(maxBytes)));
        return builder;
    }

    public sealed record Metadata(long MaxBytes);
}
