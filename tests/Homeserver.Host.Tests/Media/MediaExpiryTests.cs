using System.Net;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Configuration;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Media;

/// <summary>Created media IDs expire (<c>unused_expires_at</c>, 24 hours) when no upload came: on the server's clock.</summary>
public sealed class MediaExpiryTests
{
    [Fact]
    public async Task A_created_media_id_expires_after_24_hours_without_content()
    {
        var clock = new ManualClock();
        await using var server = await LiveServer.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var alice = await server.RegisterAsync();
        var createdAt = clock.GetUtcNow();
        var (mxc, expiresAt) = await alice.CreateAsync();
        for (var i = 1; i < MediaSettings.Default.MaxPendingUploads; i++)
        {
            await alice.CreateAsync();
        }

        var full = await alice.TryCreateAsync();
        clock.Advance(TimeSpan.FromHours(24));
        var put = await alice.TryUploadToAsync(mxc, "too late"u8.ToArray());
        var download = await alice.Client.GetAsync(mxc.Download + "?timeout_ms=0");
        var again = await alice.TryCreateAsync();

        Assert.Equal((createdAt + TimeSpan.FromHours(24)).ToUnixTimeMilliseconds(), expiresAt);
        await MatrixAssert.ErrorAsync(full, HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        await MatrixAssert.ErrorAsync(put, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(download, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.OkAsync(again);
    }
}
