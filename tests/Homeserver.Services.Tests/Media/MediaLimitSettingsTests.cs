using Homeserver.Services.Configuration;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Tests.Media;

public sealed class MediaLimitSettingsTests
{
    [Fact]
    public void By_default_there_is_no_quota_uploads_are_limited_as_synapses_rc_media_create_and_media_is_kept_forever()
    {
        var limits = Read().Media.Limits;

        Assert.Equal(0, limits.MaxBytesPerUser);
        Assert.Equal(new RateLimit(10, 50), limits.UploadRate);
        Assert.Null(limits.LocalRetention);
        Assert.Null(limits.RemoteRetention);
    }

    [Fact]
    public void Quota_rate_and_retention_days_are_read()
    {
        var limits = Read(("Homeserver:Media:MaxBytesPerUser", "1048576"), ("Homeserver:Media:UploadsPerSecond", "0.5"),
            ("Homeserver:Media:UploadBurst", "3"), ("Homeserver:Media:LocalRetentionDays", "90"),
            ("Homeserver:Media:RemoteRetentionDays", "14")).Media.Limits;

        Assert.Equal(1_048_576, limits.MaxBytesPerUser);
        Assert.Equal(new RateLimit(0.5, 3), limits.UploadRate);
        Assert.Equal(TimeSpan.FromDays(90), limits.LocalRetention);
        Assert.Equal(TimeSpan.FromDays(14), limits.RemoteRetention);
    }

    [Theory]
    [InlineData("Homeserver:Media:MaxBytesPerUser", "-1")]
    [InlineData("Homeserver:Media:UploadsPerSecond", "-2")]
    [InlineData("Homeserver:Media:UploadBurst", "0")]
    [InlineData("Homeserver:Media:LocalRetentionDays", "forever")]
    [InlineData("Homeserver:Media:RemoteRetentionDays", "-7")]
    public void Invalid_values_are_refused_naming_the_key(string key, string value)
    {
        var (settings, errors) = SettingsReader.TryRead(Build((key, value)), "/srv/homeserver");

        Assert.Null(settings);
        Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal));
    }

    private static HomeserverSettings Read(params (string Key, string Value)[] values) =>
        SettingsReader.Read(Build(values), "/srv/homeserver");

    private static IConfiguration Build(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}
