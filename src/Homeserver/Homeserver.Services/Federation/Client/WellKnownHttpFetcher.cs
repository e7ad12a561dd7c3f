using Homeserver.Services.Federation.Discovery;

namespace Homeserver.Services.Federation.Client;

/// <summary>
/// <c>GET https://&lt;hostname&gt;/.well-known/matrix/server</c> (spec: "Resolving server names", step 3): an ordinary
/// HTTPS request with certificate validation, unsigned; redirects followed up to <see cref="MaxRedirects"/> (loops end
/// there), https only; the body read up to <see cref="WellKnownDocument.MaxBodyBytes"/>. What counts as temporary
/// follows Synapse: no answer, a 5xx, an oversized body.
/// </summary>
public sealed class WellKnownHttpFetcher : IWellKnownFetcher
{
    public const int MaxRedirects = 10;

    private readonly HttpMessageInvoker _http;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly int _port;

    /// <param name="http">The federation HTTP client (<see cref="FederationHttpHandler"/>), owned by the caller.</param>
    public WellKnownHttpFetcher(HttpMessageInvoker http, TimeSpan timeout, TimeProvider time)
        : this(http, timeout, time, 443)
    {
    }

    /// <param name="port">443 but in tests, which cannot listen there.</param>
    internal WellKnownHttpFetcher(HttpMessageInvoker http, TimeSpan timeout, TimeProvider time, int port)
    {
        _http = http;
        _timeout = timeout;
        _time = time;
        _port = port;
    }

    public async Task<WellKnownFetchResult> FetchAsync(string hostname, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var uri = new UriBuilder(Uri.UriSchemeHttps, hostname, _port, "/.well-known/matrix/server").Uri;
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Accept.ParseAdd("application/json");
                using var response = await _http.SendAsync(request, linked.Token);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    if (redirects >= MaxRedirects || next.Scheme != Uri.UriSchemeHttps)
                    {
                        return WellKnownFetchResult.Temporary;
                    }

                    uri = next;
                    continue;
                }

                if (status >= 500)
                {
                    return WellKnownFetchResult.Temporary;
                }

                var body = await BoundedBody.ReadAsync(response.Content, WellKnownDocument.MaxBodyBytes, linked.Token);
                if (body is null)
                {
                    return WellKnownFetchResult.Temporary;
                }

                var cacheControl = response.Headers.TryGetValues("Cache-Control", out var controls)
                    ? string.Join(',', controls)
                    : null;
                var expires = response.Content.Headers.TryGetValues("Expires", out var expiresValues)
                    ? expiresValues.LastOrDefault()
                    : null;
                return new WellKnownFetchResult(WellKnownFetchOutcome.Response, status, body, cacheControl, expires);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException ||
                                  (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return WellKnownFetchResult.Temporary;
        }
    }
}
