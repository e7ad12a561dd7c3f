using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Media;

/// <summary>Uploads and downloads over the media endpoints.</summary>
public static class MediaSteps
{
    public const string Upload = "/_matrix/media/v3/upload";

    /// <summary>A content URI split into its server name and media ID.</summary>
    public sealed record Mxc(string ServerName, string MediaId)
    {
        public static Mxc Parse(string uri)
        {
            Assert.StartsWith("mxc://", uri, StringComparison.Ordinal);
            var parts = uri["mxc://".Length..].Split('/');
            Assert.Equal(2, parts.Length);
            return new Mxc(parts[0], parts[1]);
        }

        public string Download => $"/_matrix/client/v1/media/download/{ServerName}/{MediaId}";

        public string LegacyDownload => $"/_matrix/media/v3/download/{ServerName}/{MediaId}";

        public string Thumbnail(int width, int height, string method) =>
            $"/_matrix/client/v1/media/thumbnail/{ServerName}/{MediaId}?width={width}&height={height}&method={method}";

        public string UploadTo => $"/_matrix/media/v3/upload/{ServerName}/{MediaId}";
    }

    public static async Task<HttpResponseMessage> TryUploadAsync(this TestSession session, byte[] bytes,
        string contentType, string? fileName = null, string path = Upload, HttpMethod? method = null)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var query = fileName is null ? "" : "?filename=" + Uri.EscapeDataString(fileName);
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, path + query) { Content = content };
        return await session.Client.SendAsync(request);
    }

    public static async Task<Mxc> UploadAsync(this TestSession session, byte[] bytes, string contentType,
        string? fileName = null)
    {
        var body = await MatrixAssert.OkAsync(await session.TryUploadAsync(bytes, contentType, fileName));
        return Mxc.Parse(body.GetProperty("content_uri").GetString()!);
    }

    public static async Task<(Mxc Mxc, long UnusedExpiresAt)> CreateAsync(this TestSession session)
    {
        var body = await MatrixAssert.OkAsync(await session.TryCreateAsync());
        return (Mxc.Parse(body.GetProperty("content_uri").GetString()!),
            body.GetProperty("unused_expires_at").GetInt64());
    }

    public static async Task<HttpResponseMessage> TryCreateAsync(this TestSession session)
    {
        using var content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        return await session.Client.PostAsync("/_matrix/media/v1/create", content);
    }

    public static Task<HttpResponseMessage> TryUploadToAsync(this TestSession session, Mxc mxc, byte[] bytes,
        string contentType = "application/octet-stream") =>
        session.TryUploadAsync(bytes, contentType, path: mxc.UploadTo, method: HttpMethod.Put);

    /// <summary>GETs and asserts 200; returns the response (headers) and its bytes.</summary>
    public static async Task<(HttpResponseMessage Response, byte[] Bytes)> DownloadAsync(this HttpClient client,
        string path)
    {
        var response = await client.GetAsync(path);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"expected 200, got {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
        return (response, bytes);
    }

    public static async Task<long> UploadLimitAsync(this TestSession session) =>
        (await MatrixAssert.OkAsync(await session.Client.GetAsync("/_matrix/client/v1/media/config")))
        .GetProperty("m.upload.size").GetInt64();

    public static JsonElement Json(byte[] bytes) => JsonDocument.Parse(bytes).RootElement.Clone();
}
