using System.Globalization;
using System.Net.Http.Headers;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Media;

namespace Homeserver.Services.Federation.Queries;

/// <summary>
/// <see cref="IRemoteMediaFetcher"/> over <c>GET /_matrix/federation/v1/media/download/{mediaId}</c>: the answer is
/// <c>multipart/mixed</c>, a JSON part then either the bytes or a <c>Location</c> to fetch them from. A Location is
/// followed only to https, unsigned, within the same size limit (<c>Media:MaxUploadBytes</c>); it is not cached, the
/// bytes are (by <see cref="RemoteMediaCache"/>). The body is read whole, bounded, before it is handed on.
/// </summary>
public sealed class FederationMediaFetcher(FederationClient client, HomeserverSettings settings, HttpMessageInvoker http)
    : IRemoteMediaFetcher
{
    /// <summary>Room for the multipart framing and the JSON part around the media's bytes.</summary>
    private const long FramingAllowance = 64 * 1024;

    public async Task<RemoteMediaDownload?> DownloadAsync(string serverName, string mediaId, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        if (!ServerName.TryParse(serverName, out var server, out _))
        {
            return null;
        }

        var maxBytes = settings.Media.MaxUploadBytes;
        FederationResponse response;
        try
        {
            response = await client.SendAsync(HttpMethod.Get, server,
                "/_matrix/federation/v1/media/download/" + Uri.EscapeDataString(mediaId) + "?timeout_ms=" +
                ((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                null, cancellationToken, timeout, maxBytes + FramingAllowance);
        }
        catch (FederationException e) when (e is { Failure: FederationFailure.ErrorResponse, StatusCode: 404 })
        {
            return null;
        }
        catch (FederationException e) when (e.Failure == FederationFailure.Timeout)
        {
            throw new TimeoutException(e.Message, e);
        }
        catch (FederationException e) when (e.Failure == FederationFailure.ResponseTooLarge)
        {
            throw TooLarge();
        }

        var parts = MultipartMixed.TryRead(response.ContentType, response.Body);
        if (parts is not { Count: >= 2 })
        {
            throw new IOException($"{server} answered the media download with no multipart/mixed body of two parts");
        }

        var media = parts[1];
        if (media.Header("location") is { } location)
        {
            return await FollowAsync(location, maxBytes, cancellationToken);
        }

        if (media.Body.Length > maxBytes)
        {
            throw TooLarge();
        }

        return new RemoteMediaDownload(new MemoryStream(media.Body.ToArray(), writable: false),
            media.Header("content-type"), FileName(media.Header("content-disposition")));
    }

    private async Task<RemoteMediaDownload> FollowAsync(string location, long maxBytes,
        CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new IOException("The media's Location is not an https URL");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new IOException($"The media's Location answered {(int)response.StatusCode}");
        }

        var body = await BoundedBody.ReadAsync(response.Content, maxBytes, cancellationToken) ?? throw TooLarge();
        return new RemoteMediaDownload(new MemoryStream(body, writable: false),
            response.Content.Headers.ContentType?.ToString(),
            FileName(response.Content.Headers.ContentDisposition?.ToString()));
    }

    private static string? FileName(string? disposition)
    {
        if (!ContentDispositionHeaderValue.TryParse(disposition, out var parsed))
        {
            return null;
        }

        var name = parsed.FileNameStar ?? parsed.FileName;
        return name is { Length: > 1 } && name[0] == '"' && name[^1] == '"' ? name[1..^1] : name;
    }

    private static MatrixException TooLarge() =>
        new(ErrorCode.TooLarge, "The remote content is too large to serve", 502);
}
