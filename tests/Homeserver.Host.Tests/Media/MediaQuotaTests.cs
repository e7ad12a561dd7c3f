using System.Net;
using System.Security.Cryptography;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Media;

/// <summary>The per-user upload quota (Media:MaxBytesPerUser) and upload rate (Media:UploadsPerSecond/UploadBurst).</summary>
public sealed class MediaQuotaTests
{
    private static readonly Dictionary<string, string?> Quota = new() { ["Media:MaxBytesPerUser"] = "1000" };

    [Fact]
    public async Task An_upload_over_the_quota_is_403_M_RESOURCE_LIMIT_EXCEEDED_and_its_content_is_not_kept()
    {
        await using var server = await LiveServer.StartAsync(settings: Quota);
        var alice = await server.RegisterAsync();
        await alice.UploadAsync(RandomNumberGenerator.GetBytes(600), "application/octet-stream");
        var overflow = RandomNumberGenerator.GetBytes(600);

        var declared = await alice.TryUploadAsync(overflow, "application/octet-stream");
        var chunked = await UploadChunkedAsync(alice, overflow);

        await MatrixAssert.ErrorAsync(declared, HttpStatusCode.Forbidden, "M_RESOURCE_LIMIT_EXCEEDED");
        await MatrixAssert.ErrorAsync(chunked, HttpStatusCode.Forbidden, "M_RESOURCE_LIMIT_EXCEEDED");
        Assert.False(File.Exists(MediaFiles.PathOf(server, overflow)), "the refused content was kept");
        Assert.Empty(Directory.GetFiles(MediaFiles.TempDirectory(server)));
        await alice.UploadAsync(RandomNumberGenerator.GetBytes(400), "application/octet-stream");
    }

    [Fact]
    public async Task Concurrent_uploads_cannot_pass_the_quota_together()
    {
        await using var server = await LiveServer.StartAsync(settings: Quota);
        var alice = await server.RegisterAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => alice.TryUploadAsync(RandomNumberGenerator.GetBytes(400), "application/octet-stream")));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK),
            r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Equal(2, Directory.GetFiles(MediaUploadTests.ContentDirectory(server), "*", SearchOption.AllDirectories)
            .Length);
    }

    [Fact]
    public async Task Created_media_ids_count_only_once_uploaded()
    {
        await using var server = await LiveServer.StartAsync(settings: Quota);
        var alice = await server.RegisterAsync();
        var (first, _) = await alice.CreateAsync();
        var (second, _) = await alice.CreateAsync();

        await alice.UploadAsync(RandomNumberGenerator.GetBytes(700), "application/octet-stream");
        var fits = await alice.TryUploadToAsync(first, RandomNumberGenerator.GetBytes(300));
        var over = await alice.TryUploadToAsync(second, RandomNumberGenerator.GetBytes(1));

        await MatrixAssert.OkAsync(fits);
        await MatrixAssert.ErrorAsync(over, HttpStatusCode.Forbidden, "M_RESOURCE_LIMIT_EXCEEDED");
        var bob = await server.RegisterAsync();
        await bob.UploadAsync(RandomNumberGenerator.GetBytes(1000), "application/octet-stream");
    }

    [Fact]
    public async Task Uploads_beyond_the_burst_are_429_until_the_clock_refills_the_bucket()
    {
        var clock = new ManualClock();
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["RateLimits:Enabled"] = "true",
            ["Media:UploadsPerSecond"] = "1",
            ["Media:UploadBurst"] = "2",
        }, services: s => s.AddSingleton<TimeProvider>(clock));
        var alice = await server.RegisterAsync();
        var bob = await server.RegisterAsync();

        await alice.UploadAsync([1], "application/octet-stream");
        await alice.CreateAsync();
        var limited = await alice.TryUploadAsync([3], "application/octet-stream");
        var limitedCreate = await alice.TryCreateAsync();
        var other = await bob.TryUploadAsync([4], "application/octet-stream");
        clock.Advance(TimeSpan.FromSeconds(1));
        var again = await alice.TryUploadAsync([5], "application/octet-stream");

        var body = await MatrixAssert.ErrorAsync(limited, HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        Assert.Equal(1000, body.GetProperty("retry_after_ms").GetInt64());
        Assert.Equal(TimeSpan.FromSeconds(1), limited.Headers.RetryAfter!.Delta);
        await MatrixAssert.ErrorAsync(limitedCreate, HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        await MatrixAssert.OkAsync(other);
        await MatrixAssert.OkAsync(again);
    }

    private static async Task<HttpResponseMessage> UploadChunkedAsync(TestSession session, byte[] bytes)
    {
        using var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, MediaSteps.Upload) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        return await session.Client.SendAsync(request);
    }
}
