using System.Net;
using Homeserver.Host.Tests.Support;
using NetVips;

namespace Homeserver.Host.Tests.Media;

/// <summary>GET /_matrix/client/v1/media/thumbnail: sizes, methods, formats, metadata, refusals.</summary>
public sealed class ThumbnailTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Theory]
    [InlineData(32, 32, "crop", 32, 32)]
    [InlineData(90, 60, "crop", 96, 96)]
    [InlineData(320, 240, "scale", 320, 160)]
    [InlineData(500, 400, "scale", 640, 320)]
    public async Task A_png_is_thumbnailed_to_the_tier_as_png(int width, int height, string method, int expectedWidth,
        int expectedHeight)
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync(TestImages.Png(1000, 500), "image/png");

        var (response, bytes) = await alice.Client.DownloadAsync(mxc.Thumbnail(width, height, method));

        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        using var thumbnail = Image.NewFromBuffer(bytes);
        Assert.Equal("pngload_buffer", thumbnail.Get("vips-loader"));
        Assert.Equal((expectedWidth, expectedHeight), (thumbnail.Width, thumbnail.Height));
        Assert.StartsWith("inline; filename=thumbnail.png", response.Content.Headers.ContentDisposition!.ToString(),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(96, 96, "crop", 96, 96)]
    [InlineData(640, 480, "scale", 600, 480)]
    [InlineData(800, 600, "scale", 750, 600)]
    public async Task A_jpeg_is_thumbnailed_to_the_tier_as_jpeg(int width, int height, string method,
        int expectedWidth, int expectedHeight)
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync(TestImages.Jpeg(1000, 800), "image/jpeg");

        var (response, bytes) = await alice.Client.DownloadAsync(mxc.Thumbnail(width, height, method));

        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        using var thumbnail = Image.NewFromBuffer(bytes);
        Assert.Equal("jpegload_buffer", thumbnail.Get("vips-loader"));
        Assert.Equal((expectedWidth, expectedHeight), (thumbnail.Width, thumbnail.Height));
    }

    [Fact]
    public async Task Scale_never_enlarges_a_small_image()
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync(TestImages.Png(100, 50), "image/png");

        var (_, bytes) = await alice.Client.DownloadAsync(mxc.Thumbnail(800, 600, "scale"));

        using var thumbnail = Image.NewFromBuffer(bytes);
        Assert.Equal((100, 50), (thumbnail.Width, thumbnail.Height));
    }

    [Fact]
    public async Task A_thumbnail_is_generated_once_and_then_served_from_the_store()
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync(TestImages.Png(400, 400), "image/png");

        var first = (await alice.Client.DownloadAsync(mxc.Thumbnail(30, 30, "crop"))).Bytes;
        var second = (await alice.Client.DownloadAsync(mxc.Thumbnail(32, 32, "crop"))).Bytes;
        var legacy = (await Server.Anonymous.DownloadAsync(
            $"/_matrix/media/v3/thumbnail/{mxc.ServerName}/{mxc.MediaId}?width=20&height=20&method=crop")).Bytes;

        Assert.Equal(first, second);
        Assert.Equal(first, legacy);
        var stored = Directory.GetFiles(MediaUploadTests.ContentDirectory(Server), "*", SearchOption.AllDirectories);
        Assert.Contains(stored, f => File.ReadAllBytes(f).AsSpan().SequenceEqual(first));
    }

    [Fact]
    public async Task Gps_exif_is_stripped_from_a_jpeg_thumbnail()
    {
        var alice = await Server.RegisterAsync();
        var source = TestImages.JpegWithGpsExif(800, 600);
        using (var original = Image.NewFromBuffer(source))
        {
            Assert.NotEqual(IntPtr.Zero, original.GetTypeOf("exif-ifd3-GPSLatitude"));
        }

        var mxc = await alice.UploadAsync(source, "image/jpeg");
        var (_, bytes) = await alice.Client.DownloadAsync(mxc.Thumbnail(320, 240, "scale"));

        using var thumbnail = Image.NewFromBuffer(bytes);
        Assert.Equal(IntPtr.Zero, thumbnail.GetTypeOf("exif-data"));
        Assert.DoesNotContain(thumbnail.GetFields(), f => f.StartsWith("exif-", StringComparison.Ordinal));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("Exif\0\0"u8));
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_413_from_its_header()
    {
        var alice = await Server.RegisterAsync();
        var bomb = TestImages.PngDeclaring(50_000, 50_000);
        Assert.True(bomb.Length < 1000);
        var mxc = await alice.UploadAsync(bomb, "image/png");

        var response = await alice.Client.GetAsync(mxc.Thumbnail(32, 32, "crop"));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
    }

    [Theory]
    [InlineData("text/plain", "not an image")]
    [InlineData("image/png", "not a png either")]
    [InlineData("image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>")]
    public async Task Content_that_cannot_be_thumbnailed_is_400_M_UNKNOWN(string contentType, string body)
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync(System.Text.Encoding.UTF8.GetBytes(body), contentType);

        var response = await alice.Client.GetAsync(mxc.Thumbnail(32, 32, "crop"));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_UNKNOWN");
    }

    [Theory]
    [InlineData("width=0&height=32", "M_INVALID_PARAM")]
    [InlineData("width=abc&height=32", "M_INVALID_PARAM")]
    [InlineData("height=32", "M_MISSING_PARAM")]
    [InlineData("width=32&height=32&method=stretch", "M_INVALID_PARAM")]
    [InlineData("width=32&height=32&animated=maybe", "M_INVALID_PARAM")]
    public async Task Bad_thumbnail_parameters_are_400(string query, string errcode)
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync(TestImages.Png(10, 10), "image/png");

        var response = await alice.Client.GetAsync(
            $"/_matrix/client/v1/media/thumbnail/{mxc.ServerName}/{mxc.MediaId}?{query}");

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, errcode);
    }

    [Fact]
    public async Task An_animated_gif_gives_an_animated_webp_only_when_asked()
    {
        var alice = await Server.RegisterAsync();
        var mxc = await alice.UploadAsync(TestImages.AnimatedGif(200, 100, 3), "image/gif");

        var (animatedResponse, animated) = await alice.Client.DownloadAsync(mxc.Thumbnail(320, 240, "scale") +
                                                                             "&animated=true");
        var (stillResponse, still) = await alice.Client.DownloadAsync(mxc.Thumbnail(320, 240, "scale"));

        Assert.Equal("image/webp", animatedResponse.Content.Headers.ContentType!.MediaType);
        using (var image = Image.NewFromBuffer(animated, "n=-1"))
        {
            Assert.Equal(3, (int)image.Get("n-pages"));
            Assert.Equal((200, 100), (image.Width, (int)image.Get("page-height")));
        }

        Assert.Equal("image/png", stillResponse.Content.Headers.ContentType!.MediaType);
        using var first = Image.NewFromBuffer(still);
        Assert.Equal((200, 100), (first.Width, first.Height));
    }
}
