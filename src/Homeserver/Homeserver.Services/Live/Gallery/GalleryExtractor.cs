using System.Text.Json;

namespace Homeserver.Services.Live.Gallery;

/// <summary>One gallery entry of an event: its kind (<see cref="GalleryKinds"/>) and the link or mxc:// URI.</summary>
public sealed record GalleryItem(string Kind, string Url);

/// <summary>The gallery's entry kinds and the <c>kind</c> query's filters.</summary>
public static class GalleryKinds
{
    public const string Link = "link";
    public const string Image = "image";
    public const string Video = "video";
    public const string Audio = "audio";
    public const string File = "file";
}

/// <summary>
/// What an event adds to a room's links and media gallery (docs/LIVE.md): an <c>m.image</c>, <c>m.video</c>,
/// <c>m.audio</c> or <c>m.file</c> message or an <c>m.sticker</c> with an <c>mxc://</c> <c>url</c> is one media entry;
/// any other message gives the http(s) links of its <c>body</c> and of its HTML <c>formatted_body</c>'s
/// <c>&lt;a href&gt;</c>, each once, at most <see cref="MaxLinksPerEvent"/>. Encrypted events (their content is not
/// readable) and edits (<c>m.replace</c>: the original event's entries stand, see docs/LIVE.md) give none.
/// </summary>
public static class GalleryExtractor
{
    public const int MaxLinksPerEvent = 10;

    private const string MessageType = "m.room.message";
    private const string StickerType = "m.sticker";

    public static IReadOnlyList<GalleryItem> Extract(string eventType, JsonElement content)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        if (content.ValueKind != JsonValueKind.Object || IsEdit(content))
        {
            return [];
        }

        if (eventType == StickerType)
        {
            return MediaUrl(content) is { } sticker ? [new GalleryItem(GalleryKinds.Image, sticker)] : [];
        }

        if (eventType != MessageType)
        {
            return [];
        }

        if (MediaKind(Text(content, "msgtype")) is { } kind)
        {
            return MediaUrl(content) is { } url ? [new GalleryItem(kind, url)] : [];
        }

        var html = Text(content, "format") == "org.matrix.custom.html" ? Text(content, "formatted_body") : null;
        return LinkFinder.Find(Text(content, "body"), html, MaxLinksPerEvent)
            .Select(link => new GalleryItem(GalleryKinds.Link, link)).ToList();
    }

    /// <summary>The media kind of a message type, or null when it is not a media message.</summary>
    public static string? MediaKind(string? msgtype) => msgtype switch
    {
        "m.image" => GalleryKinds.Image,
        "m.video" => GalleryKinds.Video,
        "m.audio" => GalleryKinds.Audio,
        "m.file" => GalleryKinds.File,
        _ => null,
    };

    private static string? MediaUrl(JsonElement content) =>
        Text(content, "url") is { } url && url.StartsWith("mxc://", StringComparison.Ordinal) && url.Length > 6
            ? url
            : null;

    private static bool IsEdit(JsonElement content) =>
        content.TryGetProperty("m.relates_to", out var relation) && relation.ValueKind == JsonValueKind.Object &&
        relation.TryGetProperty("rel_type", out var relType) && relType.ValueKind == JsonValueKind.String &&
        relType.ValueEquals("m.replace");

    private static string? Text(JsonElement content, string name) =>
        content.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
