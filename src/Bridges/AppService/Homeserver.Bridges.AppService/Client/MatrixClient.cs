using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Homeserver.Bridges.AppService.Client;

/// <summary>
/// The Client-Server API as the appservice calls it: <c>Authorization: Bearer as_token</c>, <c>?user_id=</c> to act as
/// a ghost. A 429 is retried after the homeserver's <c>retry_after_ms</c> (or <c>Retry-After</c>); 502/503/504 and
/// connection failures after a back-off doubling from 1 s. A retry sends the very same request (same transaction ID).
/// Other errors throw <see cref="MatrixApiException"/>.
/// </summary>
public sealed partial class MatrixClient(HttpClient http, MatrixClientOptions options, TimeProvider time, ILogger<MatrixClient> logger)
{
    private static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(1);

    public MatrixClientOptions Options => options;

    /// <summary>Calls <paramref name="path"/> (e.g. <c>/_matrix/client/v3/createRoom</c>, segments already escaped)
    /// with a JSON body; returns the JSON answer (an empty object when there is none).</summary>
    public Task<JsonElement> SendJsonAsync(HttpMethod method, string path, JsonNode? body, string? asUserId,
        IReadOnlyList<KeyValuePair<string, string>>? query, CancellationToken cancellationToken)
    {
        var bytes = body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString());
        return SendAsync(method, path, bytes, bytes is null ? null : "application/json", asUserId, query, cancellationToken);
    }

    /// <summary>Calls <paramref name="path"/> with raw content (media uploads).</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, byte[]? content, string? contentType, string? asUserId,
        IReadOnlyList<KeyValuePair<string, string>>? query, CancellationToken cancellationToken)
    {
        var uri = BuildUri(path, asUserId, query);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AsToken);
            if (content is not null)
            {
                request.Content = new ByteArrayContent(content);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/octet-stream");
            }

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (attempt < options.MaxAttempts)
            {
                var wait = BackOff(attempt);
                LogRetrying(logger, e, method.Method, path, (int)wait.TotalMilliseconds);
                await Task.Delay(wait, time, cancellationToken);
                continue;
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                var json = ParseOrEmpty(text);
                if (response.IsSuccessStatusCode)
                {
                    return json;
                }

                var status = (int)response.StatusCode;
                var retry = RetryDelay(response, json, attempt);
                if (retry is { } wait && attempt < options.MaxAttempts)
                {
                    LogRetryingStatus(logger, method.Method, path, status, (int)wait.TotalMilliseconds);
                    await Task.Delay(wait, time, cancellationToken);
                    continue;
                }

                throw new MatrixApiException(status,
                    ReadString(json, "errcode") ?? "M_UNKNOWN",
                    ReadString(json, "error") ?? response.ReasonPhrase ?? "");
            }
        }
    }

    private TimeSpan? RetryDelay(HttpResponseMessage response, JsonElement json, int attempt)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("retry_after_ms", out var ms) &&
                ms.ValueKind == JsonValueKind.Number && ms.TryGetInt64(out var millis) && millis >= 0)
            {
                return Capped(TimeSpan.FromMilliseconds(millis));
            }

            if (response.Headers.RetryAfter?.Delta is { } delta)
            {
                return Capped(delta);
            }

            return BackOff(attempt);
        }

        return response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            ? BackOff(attempt)
            : null;
    }

    private TimeSpan BackOff(int attempt) => Capped(FirstBackOff * Math.Pow(2, Math.Min(attempt - 1, 20)));

    private TimeSpan Capped(TimeSpan wait) => wait > options.MaxRetryDelay ? options.MaxRetryDelay : wait;

    private Uri BuildUri(string path, string? asUserId, IReadOnlyList<KeyValuePair<string, string>>? query)
    {
        var builder = new StringBuilder(options.HomeserverUrl.AbsoluteUri.TrimEnd('/')).Append(path);
        var separator = '?';
        var parameters = (query ?? []).ToList();
        if (asUserId is not null)
        {
            parameters.Insert(0, new("user_id", asUserId));
        }

        foreach (var (key, value) in parameters)
        {
            builder.Append(separator).Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new Uri(builder.ToString());
    }

    private static JsonElement ParseOrEmpty(string text)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? Empty() : JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            return Empty();
        }
    }

    private static JsonElement Empty() => JsonDocument.Parse("{}").RootElement.Clone();

    internal static string? ReadString(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>Escapes one path segment (room IDs, user IDs, event types, transaction IDs).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);

    internal static string Millis(long value) => value.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} failed to connect; retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string method, string path, int delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered {Status}; retrying in {DelayMs} ms")]
    private static partial void LogRetryingStatus(ILogger logger, string method, string path, int status, int delayMs);
}
