using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests;

/// <summary>
/// Requests as raw bytes over a TCP socket to 127.0.0.1, for what an HTTP client library would refuse to send: which
/// malformed requests reach our pipeline (and get a Matrix error body) and which Kestrel answers itself, before any
/// of our code runs, with an empty body (docs/ARCHITECTURE.md, "Text at the edge").
/// </summary>
public sealed class HttpEdgeTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Percent_00_in_a_query_string_reaches_the_pipeline_and_is_a_matrix_error()
    {
        var response = await SendAsync("GET /_matrix/client/v3/register/available?username=a%00b HTTP/1.1\r\n" +
                                       "Host: localhost\r\nConnection: close\r\n\r\n");

        Assert.Equal(400, response.Status);
        Assert.Equal("M_INVALID_PARAM", JsonDocument.Parse(response.Body).RootElement.GetProperty("errcode").GetString());
    }

    [Theory]
    [InlineData("a %00 in the path", "GET /_matrix/client/v3/rooms/a%00b/state HTTP/1.1\r\nHost: localhost\r\n\r\n", 400)]
    [InlineData("a raw NUL in the request line", "GET /_matrix/client/versions\0 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400)]
    [InlineData("a NUL in a header value", "GET /_matrix/client/versions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer a\0b\r\n\r\n", 400)]
    [InlineData("a bad method token", "G(T /_matrix/client/versions HTTP/1.1\r\nHost: localhost\r\n\r\n", 400)]
    [InlineData("no Host header", "GET /_matrix/client/versions HTTP/1.1\r\n\r\n", 400)]
    public async Task Requests_kestrel_refuses_itself_get_its_status_and_an_empty_body(string what, string request,
        int status)
    {
        var response = await SendAsync(request);

        Assert.True(status == response.Status, $"{what}: {response.Status}");
        Assert.Equal("0", response.Headers["content-length"]);
    }

    [Fact]
    public async Task A_url_over_8_KB_is_414_from_kestrel()
    {
        var response = await SendAsync($"GET /_matrix/client/versions?x={new string('a', 8200)} HTTP/1.1\r\n" +
                                       "Host: localhost\r\n\r\n");

        Assert.Equal(414, response.Status);
        Assert.Equal("0", response.Headers["content-length"]);
    }

    [Fact]
    public async Task Headers_over_32_KB_are_431_from_kestrel()
    {
        var response = await SendAsync("GET /_matrix/client/versions HTTP/1.1\r\nHost: localhost\r\n" +
                                       $"X-Big: {new string('a', 33_000)}\r\n\r\n");

        Assert.Equal(431, response.Status);
        Assert.Equal("0", response.Headers["content-length"]);
    }

    private sealed record RawResponse(int Status, Dictionary<string, string> Headers, string Body);

    // Sends the bytes and reads until the server closes the connection (Kestrel closes after refusing a request; our
    // requests say Connection: close).
    private async Task<RawResponse> SendAsync(string request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var address = Server.Instance.Addresses[0];
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", address.Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        var text = Encoding.UTF8.GetString(received.ToArray());
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(headEnd > 0, $"no complete response: {text}");
        var lines = text[..headEnd].Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        return new RawResponse(int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture),
            headers, text[(headEnd + 4)..]);
    }
}
