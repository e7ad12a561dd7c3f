using Homeserver.Services.Media;

namespace Homeserver.Services.Tests.Media;

public sealed class ThumbnailSizesTests
{
    [Theory]
    [InlineData(1, 1, ThumbnailMethod.Crop, 32, 32, ThumbnailMethod.Crop)]
    [InlineData(32, 32, ThumbnailMethod.Crop, 32, 32, ThumbnailMethod.Crop)]
    [InlineData(33, 20, ThumbnailMethod.Crop, 96, 96, ThumbnailMethod.Crop)]
    [InlineData(64, 64, ThumbnailMethod.Scale, 320, 240, ThumbnailMethod.Scale)]
    [InlineData(321, 100, ThumbnailMethod.Scale, 640, 480, ThumbnailMethod.Scale)]
    [InlineData(800, 600, ThumbnailMethod.Scale, 800, 600, ThumbnailMethod.Scale)]
    public void The_smallest_tier_of_the_method_covering_the_request_is_chosen(int width, int height,
        ThumbnailMethod method, int tierWidth, int tierHeight, ThumbnailMethod tierMethod)
    {
        Assert.Equal(new ThumbnailSize(tierWidth, tierHeight, tierMethod), ThumbnailSizes.Select(width, height, method));
    }

    [Fact]
    public void A_crop_bigger_than_every_crop_tier_takes_the_smallest_covering_scale_tier()
    {
        Assert.Equal(new ThumbnailSize(320, 240, ThumbnailMethod.Scale),
            ThumbnailSizes.Select(200, 200, ThumbnailMethod.Crop));
    }

    [Theory]
    [InlineData(ThumbnailMethod.Crop, 96, 96)]
    [InlineData(ThumbnailMethod.Scale, 800, 600)]
    public void A_request_bigger_than_every_tier_takes_the_biggest_of_its_method(ThumbnailMethod method, int width,
        int height)
    {
        Assert.Equal(new ThumbnailSize(width, height, method), ThumbnailSizes.Select(5000, 5000, method));
    }
}
