using Homeserver.ClientApi.Endpoints.Media;

namespace Homeserver.ClientApi.Tests;

public sealed class MediaHeadersTests
{
    [Theory]
    [InlineData("image/png", true)]
    [InlineData("IMAGE/JPEG", true)]
    [InlineData("text/plain; charset=utf-8", true)]
    [InlineData("video/mp4", true)]
    [InlineData("audio/ogg", true)]
    [InlineData("image/svg+xml", false)]
    [InlineData("text/html", false)]
    [InlineData("application/xhtml+xml", false)]
    [InlineData("application/pdf", false)]
    [InlineData("application/octet-stream", false)]
    public void Only_types_that_cannot_run_script_are_inline(string contentType, bool inline)
    {
        Assert.Equal(inline, MediaHeaders.IsInlineSafe(contentType));
        Assert.StartsWith(inline ? "inline" : "attachment", MediaHeaders.ContentDisposition(contentType, null),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cat.png", "inline; filename=cat.png")]
    [InlineData("my cat.png", "inline; filename=\"my cat.png\"")]
    [InlineData("say \"hi\".png", "inline; filename=\"say \\\"hi\\\".png\"")]
    [InlineData("chat😺.png", "inline; filename=\"chat__.png\"; filename*=utf-8''chat%F0%9F%98%BA.png")]
    [InlineData("a;b.png", "inline; filename=\"a;b.png\"")]
    public void File_names_are_encoded_per_rfc_6266(string fileName, string expected)
    {
        Assert.Equal(expected, MediaHeaders.ContentDisposition("image/png", fileName));
    }
}
