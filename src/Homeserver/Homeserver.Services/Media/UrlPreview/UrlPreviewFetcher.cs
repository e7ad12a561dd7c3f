using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Media.UrlPreview;

/// <summary>A fetched resource: the URL it was finally served from (after redirects), its type and its bytes.</summary>
public sealed record FetchedResource(Uri Url, string? MediaType, string? Charset, string? FileName, byte[] Body);

/// <summary>
/// Fetches pages and images for URL previews without letting a URL reach what it must not (SSRF): only http and
/// https; the host is resolved here and every address it resolves to is checked by <see cref="UrlPreviewAddressFilter"/>
/// before a connection is made, and the connection goes to a checked address (the handler's connect callback, so a
/// second DNS answer cannot differ from the checked one); redirects are followed here, at most
/// <see cref="MaxRedirects"/>, each target checked again (scheme, URL patterns, addresses); the body is read up to
/// <see cref="UrlPreviewSettings.MaxBytes"/> (after decompression) and the whole fetch is bounded by
/// <see cref="UrlPreviewSettings.Timeout"/>. No proxy, no cookies, no credentials, our own User-Agent.
/// Refusals are 403 M_FORBIDDEN; an unreachable or failing target is 502 (M_TOO_LARGE when too big), a slow one 504.
/// </summary>
public sealed class UrlPreviewFetcher : IDisposable
{
    public const int MaxRedirects = 5;
    public const string UserAgent = "Homeserver-URL-preview/1.0 (bot)";

    private readonly HttpClient _http;
    private readonly UrlPreviewAddressFilter _addresses;
    private readonly UrlPreviewUrlPatterns _patterns;
    private readonly IHostAddressResolver _resolver;
    private readonly UrlPreviewSettings _settings;
    private readonly TimeProvider _time;

    public UrlPreviewFetcher(HomeserverSettings settings, TimeProvider time, IHostAddressResolver? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings.Media.UrlPreview;
        _time = time;
        _resolver = resolver ?? new SystemHostAddressResolver();
        _addresses = new UrlPreviewAddressFilter(_settings.DeniedRanges, _settings.AllowedRanges);
        _patterns = new UrlPreviewUrlPatterns(_settings.DeniedUrlPatterns);
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            Credentials = null,
            PreAuthenticate = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = ConnectAsync,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Refuses a URL that is not http(s) or matches a denied pattern (403 M_FORBIDDEN). Addresses are checked when
    /// connecting.
    /// </summary>
    public void CheckUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new MatrixException(ErrorCode.Forbidden, "Only http and https URLs can be previewed");
        }

        if (_patterns.IsDenied(url))
        {
            throw new MatrixException(ErrorCode.Forbidden, "URL blocked by a URL pattern of this server");
        }
    }

    /// <param name="accepts">Whether a response of this media type (null: none given) is wanted; else 502.</param>
    public async Task<FetchedResource> FetchAsync(Uri url, Func<string?, bool> accepts,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(accepts);
        using var deadline = new CancellationTokenSource(_settings.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await FetchFollowingRedirectsAsync(url, accepts, linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested &&
                                                 !cancellationToken.IsCancellationRequested)
        {
            throw new MatrixException(ErrorCode.Unknown,
                $"The URL took longer than {_settings.Timeout.TotalSeconds:0} s to fetch", 504);
        }
        catch (HttpRequestException e) when (e.InnerException is MatrixException refused)
        {
            throw new MatrixException(refused.Code, refused.Message, refused.HttpStatus);
        }
        catch (HttpRequestException e)
        {
            throw new MatrixException(ErrorCode.Unknown, "Failed to fetch the URL: " + e.Message, 502);
        }
        catch (IOException e)
        {
            throw new MatrixException(ErrorCode.Unknown, "Failed to read the response: " + e.Message, 502);
        }
    }

    private async Task<FetchedResource> FetchFollowingRedirectsAsync(Uri url, Func<string?, bool> accepts,
        CancellationToken cancellationToken)
    {
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            url = WithoutFragmentOrCredentials(url);
            CheckUrl(url);
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.UserAgent.ParseAdd(UserAgent);
            request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,image/*;q=0.9,*/*;q=0.5");
            request.Headers.AcceptLanguage.ParseAdd("en");
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead,
                cancellationToken);
            if (IsRedirect(response.StatusCode))
            {
                url = RedirectTarget(url, response.Headers.Location);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new MatrixException(ErrorCode.Unknown, $"Got error {(int)response.StatusCode}", 502);
            }

            var contentType = response.Content.Headers.ContentType;
            if (!accepts(contentType?.MediaType))
            {
                throw new MatrixException(ErrorCode.Unknown,
                    $"Content type not allowed for previews: {contentType?.MediaType}", 502);
            }

            if (response.Content.Headers.ContentLength > _settings.MaxBytes)
            {
                throw TooLarge();
            }

            var body = await ReadLimitedAsync(response.Content, cancellationToken);
            return new FetchedResource(url, contentType?.MediaType, contentType?.CharSet,
                FileNameOf(response.Content.Headers.ContentDisposition), body);
        }

        throw new MatrixException(ErrorCode.Unknown, $"More than {MaxRedirects} redirects", 502);
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently
        or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect
        or HttpStatusCode.PermanentRedirect;

    private static Uri RedirectTarget(Uri from, Uri? location)
    {
        if (location is null || !Uri.TryCreate(from, location, out var target))
        {
            throw new MatrixException(ErrorCode.Unknown, "A redirect without a usable Location", 502);
        }

        return target;
    }

    // Credentials in a URL would otherwise be sent as Basic authentication.
    private static Uri WithoutFragmentOrCredentials(Uri url) =>
        url.IsAbsoluteUri && (url.Fragment.Length > 0 || url.UserInfo.Length > 0)
            ? new UriBuilder(url) { Fragment = "", UserName = "", Password = "" }.Uri
            : url;

    private async Task<byte[]> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var body = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (body.Length + read > _settings.MaxBytes)
                {
                    throw TooLarge();
                }

                body.Write(chunk.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return body.ToArray();
    }

    private MatrixException TooLarge() =>
        new(ErrorCode.TooLarge, $"The response is larger than {_settings.MaxBytes} bytes", 502);

    private static string? FileNameOf(ContentDispositionHeaderValue? disposition)
    {
        var name = disposition?.FileNameStar ?? disposition?.FileName;
        name = name?.Trim('"');
        return string.IsNullOrWhiteSpace(name) || name.Any(char.IsControl) ? null : name;
    }

    // The only place connections are made: every address of the host is checked first, and only checked addresses are
    // connected to. Errors thrown here reach FetchAsync inside an HttpRequestException.
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context,
        CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken);
        if (addresses.FirstOrDefault(a => !_addresses.IsAllowed(a)) is { } denied)
        {
            throw new MatrixException(ErrorCode.Forbidden,
                $"The URL's host resolves to an address this server does not fetch from ({denied})");
        }

        SocketException? failure = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                failure = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new MatrixException(ErrorCode.Unknown, "Could not connect: " + failure?.Message, 502);
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.TrimStart('[').TrimEnd(']'), out var literal))
        {
            return [literal];
        }

        IPAddress[] addresses;
        try
        {
            addresses = await _resolver.ResolveAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            addresses = [];
        }

        return addresses.Length > 0
            ? addresses
            : throw new MatrixException(ErrorCode.Unknown, "DNS resolution failure during URL preview", 502);
    }
}
