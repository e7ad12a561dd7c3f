using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Homeserver.Bridges.Discord.Client.Rest;

/// <summary>
/// Discord's REST API v10 as a bot (<c>Authorization: Bot token</c>), obeying the rate limits the answers announce and
/// retrying after 429s. Errors come back as <see cref="DiscordApiException"/>. The routes live in the partial files.
/// </summary>
public sealed partial class DiscordRestClient
{
    // Discord asks bots for "DiscordBot ($url, $version)"; the bridge has no public URL of its own.
    private const string UserAgent = "DiscordBot (homeserver-discord, 1.0)";
    private readonly HttpClient _http;
    private readonly DiscordRestOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DiscordRestClient> _logger;
    private readonly RateLimiter _limiter;

    public DiscordRestClient(HttpClient http, DiscordRestOptions options, TimeProvider time, ILogger<DiscordRestClient> logger)
    {
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
        _limiter = new RateLimiter(time);
    }

    /// <summary>Sends a request with a JSON body (or none) and reads the JSON answer as <typeparamref name="T"/>.</summary>
    internal async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, () => body is null ? null : JsonContent(body), cancellationToken);
        var value = await response.Content.ReadFromJsonAsyncSafe<T>(cancellationToken);
        return value ?? throw new DiscordApiException(response.StatusCode, 0, "the answer had no JSON body", method + " " + path);
    }

    /// <summary>Sends a request whose answer has no body we need (204s).</summary>
    internal async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, () => body is null ? null : JsonContent(body), cancellationToken);
    }

    /// <summary>
    /// The request loop: wait for the bucket (and any global limit), send, learn the bucket from the answer, and on a
    /// 429 wait what it says and try again. <paramref name="content"/> is called per attempt (content is single-use).
    /// </summary>
    internal async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, Func<HttpContent?> content,
        CancellationToken cancellationToken)
    {
        var route = RouteKey.For(method, path);
        for (var attempt = 0; ; attempt++)
        {
            var bucket = _limiter.BucketFor(route);
            await bucket.Gate.WaitAsync(cancellationToken);
            HttpResponseMessage response;
            try
            {
                var wait = _limiter.WaitBefore(bucket);
                if (wait > TimeSpan.Zero)
                {
                    DiscordRestLog.Waiting(_logger, route, wait.TotalMilliseconds);
                    await Task.Delay(wait, _time, cancellationToken);
                }

                using var request = new HttpRequestMessage(method, new Uri(_options.ApiBaseUrl, path)) { Content = content() };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bot", _options.BotToken);
                request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                _limiter.Observe(route, bucket, response.Headers);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var (retryAfter, global) = await ReadRateLimitAsync(response, cancellationToken);
                    _limiter.Limited(bucket, retryAfter, global);
                    DiscordRestLog.RateLimited(_logger, route, retryAfter.TotalMilliseconds, global);
                    if (attempt >= _options.MaxRateLimitRetries || retryAfter > _options.MaxRetryAfter)
                    {
                        using (response)
                        {
                            throw await ErrorAsync(response, method, path, cancellationToken);
                        }
                    }

                    response.Dispose();
                    continue;
                }
            }
            finally
            {
                bucket.Gate.Release();
            }

            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    throw await ErrorAsync(response, method, path, cancellationToken);
                }
            }

            return response;
        }
    }

    private static async Task<(TimeSpan RetryAfter, bool Global)> ReadRateLimitAsync(HttpResponseMessage response,
        CancellationToken cancellationToken)
    {
        var global = string.Equals(RateLimiter.Header(response.Headers, "X-RateLimit-Global"), "true", StringComparison.OrdinalIgnoreCase)
            || string.Equals(RateLimiter.Header(response.Headers, "X-RateLimit-Scope"), "global", StringComparison.OrdinalIgnoreCase);
        TimeSpan? retryAfter = null;
        using var body = await response.Content.ReadJsonDocumentSafeAsync(cancellationToken);
        if (body is { RootElement.ValueKind: JsonValueKind.Object } document)
        {
            if (document.RootElement.TryGetProperty("retry_after", out var value) && value.ValueKind == JsonValueKind.Number
                && value.TryGetDouble(out var seconds))
            {
                retryAfter = RateLimiter.Seconds(seconds);
            }

            if (document.RootElement.TryGetProperty("global", out var isGlobal) && isGlobal.ValueKind == JsonValueKind.True)
            {
                global = true;
            }
        }

        retryAfter ??= (response.Headers.RetryAfter?.Delta is { } delta ? RateLimiter.Seconds(delta.TotalSeconds) : null) ?? TimeSpan.FromSeconds(1);
        return (retryAfter.Value, global);
    }

    private static async Task<DiscordApiException> ErrorAsync(HttpResponseMessage response, HttpMethod method, string path,
        CancellationToken cancellationToken)
    {
        var code = 0;
        var message = response.ReasonPhrase ?? "error";
        using var body = await response.Content.ReadJsonDocumentSafeAsync(cancellationToken);
        if (body is { RootElement.ValueKind: JsonValueKind.Object } document)
        {
            if (document.RootElement.TryGetProperty("code", out var codeValue) && codeValue.ValueKind == JsonValueKind.Number)
            {
                codeValue.TryGetInt32(out code);
            }

            if (document.RootElement.TryGetProperty("message", out var messageValue) && messageValue.ValueKind == JsonValueKind.String)
            {
                message = messageValue.GetString() ?? message;
            }
        }

        return new DiscordApiException(response.StatusCode, code, message, method + " " + RouteKey.For(method, path).Route);
    }

    private static ByteArrayContent JsonContent(object body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), DiscordJson.Options));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>A path segment, escaped (emoji in reaction routes, webhook tokens).</summary>
    internal static string Segment(string value) => Uri.EscapeDataString(value);
}
