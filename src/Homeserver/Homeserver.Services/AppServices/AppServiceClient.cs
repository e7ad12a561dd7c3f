using System.Net.Http.Headers;
using Homeserver.Core.AppServices;

namespace Homeserver.Services.AppServices;

/// <summary>How a call to an appservice ended.</summary>
public enum AppServiceCallOutcome
{
    /// <summary>A 2xx answer.</summary>
    Success,

    /// <summary>Any other status.</summary>
    BadStatus,

    /// <summary>No connection, or it broke.</summary>
    ConnectionFailed,

    /// <summary>No answer within the request timeout.</summary>
    Timeout,
}

/// <summary>An appservice's answer: its status and body (at most the options' limit; <paramref name="Truncated"/> when
/// it was longer), and how long the call took.</summary>
public sealed record AppServiceResponse(AppServiceCallOutcome Outcome, int StatusCode, byte[] Body, bool Truncated,
    TimeSpan Duration, string Detail);

/// <summary>
/// Calls appservices at their registration's <c>url</c> (Application Service API) with
/// <c>Authorization: Bearer {hs_token}</c>, within the request timeout, reading at most the response limit, never
/// following redirects. Callers check that the url is set: an appservice without one gets no traffic.
/// </summary>
public sealed class AppServiceClient(AppServiceClientOptions options) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseCookies = false,
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    public async Task<AppServiceResponse> SendAsync(AppServiceRegistration appService, HttpMethod method,
        string pathAndQuery, byte[]? jsonBody, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appService);
        var url = appService.Url ?? throw new InvalidOperationException($"Appservice {appService.Id} has no url");
        using var request = new HttpRequestMessage(method, new Uri(url.AbsoluteUri.TrimEnd('/') + pathAndQuery));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", appService.HsToken);
        if (jsonBody is not null)
        {
            request.Content = new ByteArrayContent(jsonBody);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        var clock = options.Clock;
        var started = clock.GetTimestamp();
        using var timeout = new CancellationTokenSource(options.RequestTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var (body, truncated) = await ReadLimitedAsync(response.Content, linked.Token);
            var status = (int)response.StatusCode;
            return new AppServiceResponse(status is >= 200 and < 300 ? AppServiceCallOutcome.Success
                : AppServiceCallOutcome.BadStatus, status, body, truncated, clock.GetElapsedTime(started), $"HTTP {status}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested &&
                                                 !cancellationToken.IsCancellationRequested)
        {
            return Failed(AppServiceCallOutcome.Timeout, clock.GetElapsedTime(started), "timed out");
        }
        catch (HttpRequestException e)
        {
            return Failed(AppServiceCallOutcome.ConnectionFailed, clock.GetElapsedTime(started), e.Message);
        }
        catch (IOException e)
        {
            return Failed(AppServiceCallOutcome.ConnectionFailed, clock.GetElapsedTime(started), e.Message);
        }
    }

    public void Dispose() => _http.Dispose();

    private static AppServiceResponse Failed(AppServiceCallOutcome outcome, TimeSpan duration, string detail) =>
        new(outcome, 0, [], false, duration, detail);

    private async Task<(byte[] Body, bool Truncated)> ReadLimitedAsync(HttpContent content,
        CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var limit = options.MaxResponseBytes;
        var buffer = new byte[Math.Min(limit + 1, 64 * 1024)];
        using var collected = new MemoryStream();
        while (collected.Length <= limit)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return (collected.ToArray(), false);
            }

            await collected.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return (collected.ToArray()[..limit], true);
    }
}
