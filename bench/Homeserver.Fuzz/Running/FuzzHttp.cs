using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Fuzz.Running;

/// <summary>The answer to one request: status (0 when none came), body text, and the failure when there was one.</summary>
public sealed record FuzzResponse(int Status, string Body, string? Failure)
{
    public JsonElement Json()
    {
        try
        {
            return Body.Length == 0 ? default : JsonDocument.Parse(Body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    public string? Errcode => Json() is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("errcode", out var e) &&
                              e.ValueKind == JsonValueKind.String ? e.GetString() : null;
}

/// <summary>Raw HTTP to the server under test: any method, path, Content-Type and body bytes, with a time limit.</summary>
public sealed class FuzzHttp : IDisposable
{
    private readonly HttpClient _client;
    private readonly string _origin;
    private readonly TimeSpan _timeout;

    public FuzzHttp(Uri baseUrl, TimeSpan timeout, int connections)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        _origin = baseUrl.GetLeftPart(UriPartial.Authority);
        _timeout = timeout;
        _client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, connections),
            AllowAutoRedirect = false,
            UseCookies = false,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<FuzzResponse> SendAsync(string method, string pathAndQuery, string? accessToken, string? contentType,
        byte[]? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(_origin + pathAndQuery));
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        if (body is not null && method is not ("GET" or "HEAD"))
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _client.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            return new FuzzResponse((int)response.StatusCode, text, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FuzzResponse(0, "", $"no answer within {_timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            return new FuzzResponse(0, "", "connection: " + e.Message);
        }
    }

    /// <summary>A JSON request (setup and checks).</summary>
    public Task<FuzzResponse> JsonAsync(string method, string pathAndQuery, string? accessToken, JsonNode? body,
        CancellationToken cancellationToken) =>
        SendAsync(method, pathAndQuery, accessToken, body is null ? null : "application/json",
            body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString()), cancellationToken);

    public void Dispose() => _client.Dispose();

    public static bool IsOk(FuzzResponse response) => response.Status == (int)HttpStatusCode.OK;
}
