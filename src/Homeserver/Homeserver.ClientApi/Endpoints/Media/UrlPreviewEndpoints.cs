using System.Globalization;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Services.Media.UrlPreview;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Media;

/// <summary>
/// URL previews: the authenticated <c>/_matrix/client/v1/media/preview_url</c> (spec v1.11) and the deprecated
/// <c>/_matrix/media/v3/preview_url</c>, which also needs an access token. Guests are refused, as by Synapse.
/// </summary>
public static class UrlPreviewEndpoints
{
    public static void MapUrlPreviews(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v1/media/preview_url
        app.MapGet("/_matrix/client/v1/media/preview_url", PreviewAsync).RequireAccessToken();

        // GET /_matrix/media/v3/preview_url (deprecated)
        app.MapGet("/_matrix/media/v3/preview_url", PreviewAsync).RequireAccessToken();
    }

    private static async Task<IResult> PreviewAsync(HttpContext context, UrlPreviewService previews,
        CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var url = query["url"].FirstOrDefault();
        if (string.IsNullOrEmpty(url))
        {
            throw new MatrixException(ErrorCode.MissingParam, "Missing url");
        }

        long? ts = null;
        if (query["ts"].FirstOrDefault() is { } text)
        {
            ts = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new MatrixException(ErrorCode.InvalidParam, "ts must be an integer (milliseconds)");
        }

        var og = await previews.PreviewAsync(context.Requester(), url, ts, cancellationToken);
        return Results.Json(og);
    }
}
