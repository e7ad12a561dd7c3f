using System.Globalization;

namespace Homeserver.Services.Configuration;

/// <summary>The media quota, upload rate and retention settings (<c>Media:*</c>), read for <see cref="SettingsReader"/>.</summary>
internal static class MediaLimitSettingsReader
{
    private const int MaxRetentionDays = 36_500;

    public static MediaLimitSettings Read(SettingsReader.ValueReader reader)
    {
        var quota = reader.Parse("Media:MaxBytesPerUser", text => SettingsReader.ParseLong(text, 0, long.MaxValue));
        var rate = reader.Parse("Media:UploadsPerSecond", ParseRateOrZero);
        var burst = reader.Parse("Media:UploadBurst", text => SettingsReader.ParseInteger(text, 1, 1_000_000));
        var local = reader.Parse("Media:LocalRetentionDays", ParseDays);
        var remote = reader.Parse("Media:RemoteRetentionDays", ParseDays);
        return new MediaLimitSettings(quota, new RateLimit(rate, burst), local, remote);
    }

    private static (double, string?) ParseRateOrZero(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 &&
        double.IsFinite(value)
            ? (value, null)
            : (0, $"'{text}' is not a number of uploads per second (0 turns the limit off)");

    private static (TimeSpan?, string?) ParseDays(string text)
    {
        var (days, problem) = SettingsReader.ParseInteger(text, 0, MaxRetentionDays);
        return problem is not null ? (null, problem) : (days == 0 ? null : TimeSpan.FromDays(days), null);
    }
}
