using System.Net;
using System.Security.Cryptography;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Media;

/// <summary>
/// The upload limit (Media:MaxUploadBytes) against the server's own body limit (Limits:MaxRequestBodyBytes). Bodies are
/// small enough for the loopback socket's buffers: a 413 sent before the body is read ends the connection, and a client
/// still writing a big body may see that reset before it reads the answer.
/// </summary>
public sealed class MediaLimitTests
{
    private static readonly Dictionary<string, string?> Limits = new()
    {
        ["Limits:MaxRequestBodyBytes"] = "1024",
        ["Media:MaxUploadBytes"] = "16384",
    };

    [Fact]
    public async Task Uploads_up_to_the_media_limit_pass_the_smaller_body_limit_and_bigger_ones_are_413()
    {
        await using var server = await LiveServer.StartAsync(settings: Limits);
        var alice = await server.RegisterAsync();
        var fits = RandomNumberGenerator.GetBytes(16_384);

        var mxc = await alice.UploadAsync(fits, "application/octet-stream");
        var tooBig = await alice.TryUploadAsync(RandomNumberGenerator.GetBytes(16_385), "application/octet-stream");
        var (created, _) = await alice.CreateAsync();
        var tooBigPut = await alice.TryUploadToAsync(created, RandomNumberGenerator.GetBytes(16_385));

        Assert.Equal(fits, (await alice.Client.DownloadAsync(mxc.Download)).Bytes);
        await MatrixAssert.ErrorAsync(tooBig, HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
        await MatrixAssert.ErrorAsync(tooBigPut, HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
        Assert.Equal(16_384, await alice.UploadLimitAsync());
    }

    [Fact]
    public async Task A_chunked_upload_over_the_media_limit_is_413_and_leaves_no_file()
    {
        await using var server = await LiveServer.StartAsync(settings: Limits);
        var alice = await server.RegisterAsync();
        using var content = new StreamContent(new MemoryStream(RandomNumberGenerator.GetBytes(24_000)));
        content.Headers.ContentType = new("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, MediaSteps.Upload) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await alice.Client.SendAsync(request);

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
        Assert.Empty(Directory.GetFiles(MediaUploadTests.ContentDirectory(server), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Other_endpoints_keep_the_server_body_limit()
    {
        await using var server = await LiveServer.StartAsync(settings: Limits);
        var alice = await server.RegisterAsync();
        using var content = new StringContent("{\"x\": \"" + new string('x', 2000) + "\"}", System.Text.Encoding.UTF8,
            "application/json");

        var response = await alice.Client.PutAsync(
            $"/_matrix/client/v3/user/{Uri.EscapeDataString(alice.UserId)}/account_data/m.big", content);

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
    }
}
