using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Services.Push;

/// <summary>What came of one notify call.</summary>
public enum GatewayOutcome
{
    /// <summary>2xx and the pushkey not rejected.</summary>
    Delivered,

    /// <summary>2xx listing the pushkey in <c>rejected</c>: the pusher must go.</summary>
    Rejected,

    /// <summary>A 4xx other than 429: this notification will never be accepted; it is dropped, the pusher stays.</summary>
    Refused,

    /// <summary>No answer, a 5xx or a 429: try again later.</summary>
    Failed,
}

/// <summary>
/// Posts notifications to push gateways (<c>POST /_matrix/push/v1/notify</c> at the pusher's URL, and nowhere else:
/// redirects are not followed).
/// </summary>
public sealed class PushGatewayClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseCookies = false,
    })
    { Timeout = RequestTimeout };

    public async Task<(GatewayOutcome Outcome, string Detail)> NotifyAsync(Uri url, string pushKey, JsonObject body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(url, content, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return (GatewayOutcome.Failed, e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (GatewayOutcome.Failed, "timed out");
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return await IsRejectedAsync(response, pushKey, cancellationToken)
                    ? (GatewayOutcome.Rejected, "pushkey rejected")
                    : (GatewayOutcome.Delivered, "");
            }

            return status is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests
                ? (GatewayOutcome.Refused, $"HTTP {status}")
                : (GatewayOutcome.Failed, $"HTTP {status}");
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<bool> IsRejectedAsync(HttpResponseMessage response, string pushKey,
        CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("rejected", out var rejected) &&
                   rejected.ValueKind == JsonValueKind.Array &&
                   rejected.EnumerateArray().Any(k => k.ValueKind == JsonValueKind.String && k.GetString() == pushKey);
        }
        catch (Exception e) when (e is JsonException or HttpRequestException)
        {
            return false; // accepted; an answer we cannot read rejects nothing
        }
    }
}
