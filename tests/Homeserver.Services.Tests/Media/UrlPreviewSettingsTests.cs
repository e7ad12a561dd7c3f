using System.Net;
using Homeserver.Services.Configuration;
using Homeserver.Services.Media.UrlPreview;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Tests.Media;

public sealed class UrlPreviewSettingsTests
{
    private static (HomeserverSettings? Settings, IReadOnlyList<string> Errors) TryRead(params (string, string)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Item1, v.Item2)))
            .Build();
        return SettingsReader.TryRead(configuration, "/srv/homeserver");
    }

    [Fact]
    public void Defaults_enable_previews_with_ten_mebibytes_and_ten_seconds()
    {
        var preview = TryRead().Settings!.Media.UrlPreview;

        Assert.True(preview.Enabled);
        Assert.Equal(10L * 1024 * 1024, preview.MaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(10), preview.Timeout);
        Assert.Empty(preview.DeniedRanges);
        Assert.Empty(preview.AllowedRanges);
        Assert.Empty(preview.DeniedUrlPatterns);
    }

    [Fact]
    public void Indexed_ranges_and_patterns_are_read_in_order()
    {
        var preview = TryRead(
            ("Homeserver:Media:UrlPreview:Enabled", "false"),
            ("Homeserver:Media:UrlPreview:DeniedRanges:1", "2001:db8::/32"),
            ("Homeserver:Media:UrlPreview:DeniedRanges:0", "8.8.8.0/24"),
            ("Homeserver:Media:UrlPreview:AllowedRanges:0", "127.0.0.1"),
            ("Homeserver:Media:UrlPreview:DeniedUrlPatterns:0", "*.internal"),
            ("Homeserver:Media:UrlPreview:DeniedUrlPatterns:1", "^https?://x/"),
            ("Homeserver:Media:UrlPreview:MaxBytes", "2048"),
            ("Homeserver:Media:UrlPreview:TimeoutSeconds", "3")).Settings!.Media.UrlPreview;

        Assert.False(preview.Enabled);
        Assert.Equal([IPNetwork.Parse("8.8.8.0/24"), IPNetwork.Parse("2001:db8::/32")], preview.DeniedRanges);
        Assert.Equal([IPNetwork.Parse("127.0.0.1/32")], preview.AllowedRanges);
        Assert.Equal(["*.internal", "^https?://x/"], preview.DeniedUrlPatterns);
        Assert.Equal(2048, preview.MaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(3), preview.Timeout);
    }

    [Theory]
    [InlineData("Homeserver:Media:UrlPreview:DeniedRanges:0", "10.0.0.1/8", "Homeserver:Media:UrlPreview:DeniedRanges:0 ")]
    [InlineData("Homeserver:Media:UrlPreview:AllowedRanges:3", "not-an-address", "Homeserver:Media:UrlPreview:AllowedRanges:3 ")]
    [InlineData("Homeserver:Media:UrlPreview:DeniedUrlPatterns:0", "^(unclosed", "Homeserver:Media:UrlPreview:DeniedUrlPatterns:0 ")]
    [InlineData("Homeserver:Media:UrlPreview:DeniedUrlPatterns:0", "http://x/", "Homeserver:Media:UrlPreview:DeniedUrlPatterns:0 ")]
    [InlineData("Homeserver:Media:UrlPreview:DeniedRanges", "10.0.0.0/8", "Homeserver:Media:UrlPreview:DeniedRanges ")]
    [InlineData("Homeserver:Media:UrlPreview:DeniedRanges:x", "10.0.0.0/8", "Homeserver:Media:UrlPreview:DeniedRanges:x ")]
    [InlineData("Homeserver:Media:UrlPreview:MaxBytes", "10", "Homeserver:Media:UrlPreview:MaxBytes ")]
    [InlineData("Homeserver:Media:UrlPreview:TimeoutSeconds", "0", "Homeserver:Media:UrlPreview:TimeoutSeconds ")]
    public void Invalid_values_name_their_key(string key, string value, string expectedStart)
    {
        var (settings, errors) = TryRead((key, value));

        Assert.Null(settings);
        Assert.Contains(errors, e => e.StartsWith(expectedStart, StringComparison.Ordinal));
    }

    [Fact]
    public void Url_patterns_match_host_globs_and_url_regexes()
    {
        var patterns = new UrlPreviewUrlPatterns(["*.internal", "metadata.example", "^https://[^/]*/private/"]);

        Assert.True(patterns.IsDenied(new Uri("http://db.internal/")));
        Assert.True(patterns.IsDenied(new Uri("http://A.B.INTERNAL:8080/x")));
        Assert.True(patterns.IsDenied(new Uri("https://metadata.example/latest")));
        Assert.True(patterns.IsDenied(new Uri("https://site.example/private/page")));
        Assert.False(patterns.IsDenied(new Uri("http://site.example/private/page")));
        Assert.False(patterns.IsDenied(new Uri("https://internal.example/")));
        Assert.False(patterns.IsDenied(new Uri("https://metadata.example.org/")));
    }
}
