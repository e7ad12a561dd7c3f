using System.Globalization;
using Homeserver.Core.Errors;
using Homeserver.Services.Media;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Homeserver.ClientApi.Endpoints.Media;

/// <summary>Serving media content, and the query parameters the download and thumbnail endpoints share.</summary>
internal static class MediaResults
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60); // Synapse's MAXIMUM_ALLOWED_MAX_TIMEOUT_MS

    /// <summary>The content with <see cref="MediaHeaders"/>; ranges (206, 416) and If-None-Match by its hash.</summary>
    public static IResult Serve(HttpContext context, MediaContent content, string? fileName)
    {
        var headers = context.Response.Headers;
        headers.ContentDisposition = MediaHeaders.ContentDisposition(content.ContentType, fileName);
        headers.ContentSecurityPolicy = MediaHeaders.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = MediaHeaders.CacheControl;
        headers["Cross-Origin-Resource-Policy"] = "cross-origin";
        return Results.Stream(content.Content, content.ContentType, enableRangeProcessing: true,
            entityTag: new EntityTagHeaderValue($"\"{content.Sha256}\""));
    }

    /// <summary><c>timeout_ms</c>: how long to wait for an async upload or a remote server (default 20 s, at most 60 s).</summary>
    public static TimeSpan Timeout(IQueryCollection query)
    {
        if (!query.TryGetValue("timeout_ms", out var values) || StringValues.IsNullOrEmpty(values))
        {
            return DefaultTimeout;
        }

        return long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(Math.Min(ms, (long)MaxTimeout.TotalMilliseconds))
            : throw new MatrixException(ErrorCode.InvalidParam, "timeout_ms must be a whole number of milliseconds");
    }

    public static int RequiredDimension(IQueryCollection query, string name)
    {
        if (!query.TryGetValue(name, out var values) || StringValues.IsNullOrEmpty(values))
        {
            throw new MatrixException(ErrorCode.MissingParam, $"Missing {name}");
        }

        return int.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new MatrixException(ErrorCode.InvalidParam, $"{name} must be a whole number");
    }

    public static ThumbnailMethod Method(IQueryCollection query) =>
        query.TryGetValue("method", out var values) && !StringValues.IsNullOrEmpty(values)
            ? values[0] switch
            {
                "crop" => ThumbnailMethod.Crop,
                "scale" => ThumbnailMethod.Scale,
                _ => throw new MatrixException(ErrorCode.InvalidParam, "method must be crop or scale"),
            }
            : ThumbnailMethod.Scale;

    public static bool Flag(IQueryCollection query, string name, bool byDefault) =>
        query.TryGetValue(name, out var values) && !StringValues.IsNullOrEmpty(values)
            ? values[0] switch
            {
                "true" => true,
                "false" => false,
                _ => throw new MatrixException(ErrorCode.InvalidParam, $"{name} must be true or false"),
            }
            : byDefault;
}
