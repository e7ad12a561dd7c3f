using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Media;

/// <summary>Requests to the preview_url endpoints.</summary>
public static class UrlPreviewSteps
{
    public const string Authenticated = "/_matrix/client/v1/media/preview_url";
    public const string Legacy = "/_matrix/media/v3/preview_url";

    /// <summary>Settings that let previews reach the test page server on 127.0.0.1 (and only there among loopback).</summary>
    public static Dictionary<string, string?> AllowingLoopbackIpv4(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Media:UrlPreview:AllowedRanges:0"] = "127.0.0.1/32" };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static Task<HttpResponseMessage> PreviewAsync(this TestSession session, string url, long? ts = null,
        string path = Authenticated) =>
        session.Client.GetAsync($"{path}?url={Uri.EscapeDataString(url)}" + (ts is null ? "" : $"&ts={ts}"));
}
