using System.Security.Cryptography.X509Certificates;
using System.Text;
using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Queries;
using Homeserver.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Tests.Federation;

/// <summary>Remote media over federation's multipart/mixed download answer, against Kestrel on loopback.</summary>
public sealed class FederationMediaFetcherTests : IDisposable
{
    private static readonly byte[] Media = Encoding.ASCII.GetBytes("\r\n--not-the-boundary\r\nmedia bytes");
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _leaf;

    public FederationMediaFetcherTests()
    {
        _ca = TestCertificates.CreateCa("Media CA");
        _leaf = TestCertificates.CreateLeaf(_ca, "localhost");
    }

    public void Dispose()
    {
        _leaf.Dispose();
        _ca.Dispose();
    }

    private static async Task AnswerAsync(HttpContext context, int port)
    {
        var path = context.Request.Path.Value!;
        if (path == "/content")
        {
            context.Response.ContentType = "text/plain";
            context.Response.Headers.ContentDisposition = "attachment; filename=\"moved.txt\"";
            await context.Response.Body.WriteAsync(Media);
            return;
        }

        if (path.EndsWith("/missing", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsJsonAsync(new { errcode = "M_NOT_FOUND", error = "none" });
            return;
        }

        var second = path.EndsWith("/moved", StringComparison.Ordinal)
            ? Ascii($"Location: https://localhost:{port}/content\r\n\r\n")
            : path.EndsWith("/insecure", StringComparison.Ordinal)
                ? Ascii($"Location: http://localhost:{port}/content\r\n\r\n")
                : Ascii("Content-Type: text/plain\r\nContent-Disposition: attachment; filename*=utf-8''caf%C3%A9.txt\r\n\r\n")
                    .Concat(Media).ToArray();
        context.Response.ContentType = "multipart/mixed; boundary=zz";
        await context.Response.Body.WriteAsync(Ascii("--zz\r\nContent-Type: application/json\r\n\r\n{}\r\n--zz\r\n")
            .Concat(second).Concat(Ascii("\r\n--zz--\r\n")).ToArray());
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private async Task<(LoopbackHttpsServer Server, ClientHarness Harness, FederationMediaFetcher Fetcher)> StartAsync(
        long maxUploadBytes = 1024)
    {
        LoopbackHttpsServer? server = null;
        server = await LoopbackHttpsServer.StartAsync(_leaf, context => AnswerAsync(context, server!.Port));
        var harness = new ClientHarness(trustedCa: _ca);
        var settings = SettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(
            [new KeyValuePair<string, string?>("Homeserver:Media:MaxUploadBytes", maxUploadBytes.ToString(
                System.Globalization.CultureInfo.InvariantCulture))]).Build(), "/srv/homeserver");
        return (server, harness, new FederationMediaFetcher(harness.Client, settings, harness.Http));
    }

    private static async Task<(string Text, string? Type, string? Name)?> FetchAsync(FederationMediaFetcher fetcher,
        string server, string mediaId)
    {
        var download = await fetcher.DownloadAsync(server, mediaId, TimeSpan.FromSeconds(30), CancellationToken.None);
        if (download is null)
        {
            return null;
        }

        await using var content = download.Content;
        using var reader = new StreamReader(content);
        return (await reader.ReadToEndAsync(), download.ContentType, download.FileName);
    }

    [Fact]
    public async Task The_media_part_is_served_with_its_type_and_file_name_and_a_404_is_no_media()
    {
        var (server, harness, fetcher) = await StartAsync();
        await using (server)
        using (harness)
        {
            var inline = await FetchAsync(fetcher, $"localhost:{server.Port}", "inline");
            var missing = await FetchAsync(fetcher, $"localhost:{server.Port}", "missing");

            Assert.Equal((Encoding.ASCII.GetString(Media), "text/plain", "café.txt"), inline);
            Assert.Null(missing);
            Assert.Contains(server.Requests, r => r.PathAndQuery.StartsWith(
                "/_matrix/federation/v1/media/download/inline?timeout_ms=30000", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_location_part_is_followed_to_https_only()
    {
        var (server, harness, fetcher) = await StartAsync();
        await using (server)
        using (harness)
        {
            var moved = await FetchAsync(fetcher, $"localhost:{server.Port}", "moved");
            await Assert.ThrowsAsync<IOException>(() => FetchAsync(fetcher, $"localhost:{server.Port}", "insecure"));

            Assert.Equal((Encoding.ASCII.GetString(Media), "text/plain", "moved.txt"), moved);
            Assert.DoesNotContain(server.Requests, r => r.Authorization is not null && r.PathAndQuery == "/content");
        }
    }

    [Fact]
    public async Task Media_larger_than_the_upload_limit_is_refused_as_too_large()
    {
        var (server, harness, fetcher) = await StartAsync(maxUploadBytes: 8);
        await using (server)
        using (harness)
        {
            var inline = await Assert.ThrowsAsync<MatrixException>(() =>
                FetchAsync(fetcher, $"localhost:{server.Port}", "inline"));
            var moved = await Assert.ThrowsAsync<MatrixException>(() =>
                FetchAsync(fetcher, $"localhost:{server.Port}", "moved"));

            Assert.Equal((ErrorCode.TooLarge, 502), (inline.Code, inline.HttpStatus));
            Assert.Equal((ErrorCode.TooLarge, 502), (moved.Code, moved.HttpStatus));
        }
    }
}
