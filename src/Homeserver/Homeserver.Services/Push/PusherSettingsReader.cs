using System.Text.Json;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Push;

/// <summary>
/// The POST /pushers/set body, its JSON types checked: a field of the wrong type is 400 M_BAD_JSON, an absent or null
/// one is null. Whether what it says is acceptable is <see cref="Validation.PusherSetRequestValidator"/>'s part.
/// </summary>
/// <param name="HasKind">Whether <c>kind</c> was given; a null <see cref="Kind"/> with it means delete.</param>
public sealed record PusherSetRequest(
    bool HasKind,
    string? Kind,
    string? AppId,
    string? PushKey,
    bool Append,
    string? AppDisplayName,
    string? DeviceDisplayName,
    string? Lang,
    string? ProfileTag,
    JsonElement? Data,
    string? DataUrl,
    string? DataFormat);

public static class PusherSettingsReader
{
    public const string NotifyPath = "/_matrix/push/v1/notify";

    public static PusherSetRequest Read(JsonElement body)
    {
        var hasKind = body.TryGetProperty("kind", out var kind);
        if (hasKind && kind.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            throw new MatrixException(ErrorCode.BadJson, "'kind' must be a string or null");
        }

        JsonElement? data = null;
        if (body.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            data = d.ValueKind == JsonValueKind.Object
                ? d
                : throw new MatrixException(ErrorCode.BadJson, "'data' must be an object");
        }

        return new PusherSetRequest(hasKind, hasKind ? kind.GetString() : null,
            JsonFields.OptionalString(body, "app_id"), JsonFields.OptionalString(body, "pushkey"),
            JsonFields.OptionalBool(body, "append"), JsonFields.OptionalString(body, "app_display_name"),
            JsonFields.OptionalString(body, "device_display_name"), JsonFields.OptionalString(body, "lang"),
            JsonFields.OptionalString(body, "profile_tag"), data,
            data is { } given ? DataString(given, "url") : null,
            data is { } withFormat ? DataString(withFormat, "format") : null);
    }

    /// <summary>The settings of the HTTP pusher a validated request sets for <paramref name="deviceId"/>.</summary>
    public static PusherSettings ToHttpSettings(PusherSetRequest request, string userId, string deviceId, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new PusherSettings(userId, deviceId, "http", request.AppId!, request.PushKey!, request.AppDisplayName!,
            request.DeviceDisplayName!, request.ProfileTag, request.Lang!, request.Data!.Value.GetRawText(), nowMs);
    }

    /// <summary>Whether <paramref name="url"/> is where an HTTP pusher may send: http(s), the spec's notify path.</summary>
    public static bool IsNotifyUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) &&
        uri.Scheme is "http" or "https" && uri.AbsolutePath == NotifyPath &&
        uri.UserInfo.Length == 0 && uri.Fragment.Length == 0;

    /// <summary><c>data.url</c> of a stored pusher, or null.</summary>
    public static string? Url(string dataJson)
    {
        using var document = JsonDocument.Parse(dataJson);
        return document.RootElement.ValueKind == JsonValueKind.Object &&
               document.RootElement.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
            ? url.GetString()
            : null;
    }

    private static string? DataString(JsonElement data, string name) =>
        !data.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new MatrixException(ErrorCode.BadJson, $"'data.{name}' must be a string");
}
