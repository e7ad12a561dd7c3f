using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Bench.Client;

/// <summary>
/// The one HTTP client of a run: a <see cref="SocketsHttpHandler"/> allowed as many connections as the scenarios hold
/// open (idle-conns needs thousands), JSON in and out, errors as values (never thrown for HTTP statuses).
/// </summary>
public sealed class MatrixHttp : IDisposable
{
    private readonly HttpClient _client;

    public MatrixHttp(Uri baseUrl)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 100_000,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
        };
        _client = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(3) };
        _client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public Uri BaseUrl => _client.BaseAddress!;

    /// <summary>A request; the body is parsed when it is JSON. Network failures throw <see cref="HttpRequestException"/>.</summary>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? accessToken, JsonNode? body,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        JsonElement parsed = default;
        try
        {
            using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
            parsed = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not JSON (or empty): the status says enough.
        }

        string? errcode = null;
        if (!response.IsSuccessStatusCode && parsed.ValueKind == JsonValueKind.Object &&
            parsed.TryGetProperty("errcode", out var code) && code.ValueKind == JsonValueKind.String)
        {
            errcode = code.GetString();
        }

        return new ApiResponse((int)response.StatusCode, errcode, parsed);
    }

    /// <summary>A request with a raw body (media uploads); the answer is read as in <see cref="SendAsync"/>.</summary>
    public async Task<ApiResponse> SendBytesAsync(HttpMethod method, string path, string? accessToken, byte[] body,
        string contentType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        using var response = await _client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonElement parsed = default;
        try
        {
            using var document = JsonDocument.Parse(text);
            parsed = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not JSON: the status says enough.
        }

        var errcode = !response.IsSuccessStatusCode && parsed.ValueKind == JsonValueKind.Object &&
                      parsed.TryGetProperty("errcode", out var code) && code.ValueKind == JsonValueKind.String
            ? code.GetString()
            : null;
        return new ApiResponse((int)response.StatusCode, errcode, parsed);
    }

    /// <summary>A GET whose body is read whole and dropped (media downloads); only the status is kept.</summary>
    public async Task<ApiResponse> DownloadAsync(string path, string? accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await response.Content.CopyToAsync(Stream.Null, cancellationToken);
        return new ApiResponse((int)response.StatusCode, null, default);
    }

    public Task<ApiResponse> GetAsync(string path, string? accessToken, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, accessToken, null, cancellationToken);

    public void Dispose() => _client.Dispose();
}
