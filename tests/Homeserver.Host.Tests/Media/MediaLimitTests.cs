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
        var tooBig = await SendOversizedAsync(server, alice, HttpMethod.Post, MediaSteps.Upload);
        var (created, _) = await alice.CreateAsync();
        var tooBigPut = await SendOversizedAsync(server, alice, HttpMethod.Put, created.UploadTo);

        Assert.Equal(fits, (await alice.Client.DownloadAsync(mxc.Download)).Bytes);
        await MatrixAssert.ErrorAsync(tooBig, HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
        await MatrixAssert.ErrorAsync(tooBigPut, HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
        Assert.Equal(16_384, await alice.UploadLimitAsync());
    }

    // With Expect: 100-continue the 413 comes before any of the body is sent, so the answer is read whatever the timing
    // (a 413 sent while the client is still writing ends the connection under it).
    private static async Task<HttpResponseMessage> SendOversizedAsync(LiveServer server, TestSession session,
        HttpMethod method, string path)
    {
        using var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = server.Instance.Addresses[0],
        };
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new ByteArrayContent(RandomNumberGenerator.GetBytes(16_385)),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.AccessToken);
        request.Headers.ExpectContinue = true;
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
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
