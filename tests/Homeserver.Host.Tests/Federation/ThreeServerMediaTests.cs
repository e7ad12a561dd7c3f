using System.Net;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Tests.Media;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation.Client;
using Microsoft.Extensions.DependencyInjection;
using NetVips;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// Remote media across three servers: media uploaded on hs1 is downloaded and thumbnailed by users of hs2 and hs3
/// through their own servers (<c>/_matrix/client/v1/media/download/hs1.test/{mediaId}</c>, which fetch it over
/// federation once), then served from their caches while they cannot reach hs1 at all.
/// </summary>
[Collection(SharedThreeServers.Name)]
public sealed class ThreeServerMediaTests(ThreeServerFixture fixture)
{
    private const string Hs1 = "hs1.test";

    [Fact]
    public async Task Media_of_hs1_is_fetched_once_by_hs2_and_hs3_then_served_from_their_caches()
    {
        var image = TestImages.Png(320, 240);
        var mxc = await fixture.Alice.UploadAsync(image, "image/png", "from-hs1.png");
        var notFetched = await fixture.Alice.UploadAsync(TestImages.Png(32, 32), "image/png");
        var remoteUsers = new[] { (Server: 1, Session: fixture.Bob), (Server: 2, Session: fixture.Carol) };
        foreach (var (_, session) in remoteUsers)
        {
            var (_, bytes) = await session.Client.DownloadAsync(mxc.Download);
            var (_, thumbnail) = await session.Client.DownloadAsync(mxc.Thumbnail(96, 96, "crop"));
            var missing = await session.Client.GetAsync($"/_matrix/client/v1/media/download/{Hs1}/NoSuchMediaOnHs1");

            Assert.Equal(image, bytes);
            using var decoded = Image.NewFromBuffer(thumbnail);
            Assert.Equal((96, 96), (decoded.Width, decoded.Height));
            await MatrixAssert.ErrorAsync(missing, HttpStatusCode.NotFound, "M_NOT_FOUND");
        }

        // From here hs2 and hs3 fail every request to hs1 at once (their back-off for it): only a cache can answer.
        var hs1 = ServerName.Parse(Hs1);
        var backoffs = remoteUsers.Select(u => fixture.Cluster[u.Server].Instance.App.Services
            .GetRequiredService<DestinationBackoff>()).ToList();
        backoffs.ForEach(backoff => backoff.RecordFailure(hs1));
        try
        {
            foreach (var (_, session) in remoteUsers)
            {
                var (_, again) = await session.Client.DownloadAsync(mxc.Download);
                var (_, cachedOnly) = await session.Client.DownloadAsync(mxc.Download + "?allow_remote=false");
                var (_, thumbnail) = await session.Client.DownloadAsync(mxc.Thumbnail(32, 32, "crop"));
                var unreachable = await session.Client.GetAsync(notFetched.Download);

                Assert.Equal(image, again);
                Assert.Equal(image, cachedOnly);
                using var decoded = Image.NewFromBuffer(thumbnail);
                Assert.Equal((32, 32), (decoded.Width, decoded.Height)); // a new size, made from the cached original
                Assert.Equal(HttpStatusCode.BadGateway, unreachable.StatusCode); // hs1 was not asked
            }
        }
        finally
        {
            backoffs.ForEach(backoff => backoff.RecordSuccess(hs1));
        }
    }
}
