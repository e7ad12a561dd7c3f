using System.Text;
using System.Text.Json;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Push;

/// <summary>
/// Checks a POST /pushers/set body. Missing fields are 400 M_MISSING_PARAM, fields of the wrong JSON type
/// M_BAD_JSON, values we cannot accept M_INVALID_PARAM (e-mail pushers: M_THREEPID_NOT_FOUND, as no e-mail address
/// is bound to any account here).
/// </summary>
public static class PusherSettingsReader
{
    public const string NotifyPath = "/_matrix/push/v1/notify";

    /// <summary>The request: kind null means delete.</summary>
    public sealed record Request(string? Kind, string AppId, string PushKey, bool Append, JsonElement Body);

    public static Request Read(JsonElement body)
    {
        if (!body.TryGetProperty("kind", out var kind))
        {
            throw new MatrixException(ErrorCode.MissingParam, "Missing 'kind'");
        }

        if (kind.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            throw new MatrixException(ErrorCode.BadJson, "'kind' must be a string or null");
        }

        var appId = RequiredString(body, "app_id");
        var pushKey = RequiredString(body, "pushkey");
        if (appId.Length > 64)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "'app_id' is longer than 64 characters");
        }

        if (Encoding.UTF8.GetByteCount(pushKey) > 512)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "'pushkey' is longer than 512 bytes");
        }

        var append = body.TryGetProperty("append", out var a)
            ? a.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? a.GetBoolean()
                : throw new MatrixException(ErrorCode.BadJson, "'append' must be a boolean")
            : false;
        return new Request(kind.ValueKind == JsonValueKind.Null ? null : kind.GetString(), appId, pushKey, append, body);
    }

    /// <summary>The settings of an HTTP pusher set by <paramref name="deviceId"/>.</summary>
    public static PusherSettings ReadHttp(Request request, string userId, string deviceId, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (request.Kind)
        {
            case "http":
                break;
            case "email":
                throw new MatrixException(ErrorCode.ThreepidNotFound, "No e-mail address is bound to this account");
            default:
                throw new MatrixException(ErrorCode.InvalidParam, $"Unsupported pusher kind '{request.Kind}'");
        }

        var body = request.Body;
        var appDisplayName = RequiredString(body, "app_display_name");
        var deviceDisplayName = RequiredString(body, "device_display_name");
        var lang = RequiredString(body, "lang");
        var profileTag = body.TryGetProperty("profile_tag", out var tag)
            ? tag.ValueKind == JsonValueKind.String ? tag.GetString() : throw new MatrixException(ErrorCode.BadJson, "'profile_tag' must be a string")
            : null;
        if (!body.TryGetProperty("data", out var data))
        {
            throw new MatrixException(ErrorCode.MissingParam, "Missing 'data'");
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, "'data' must be an object");
        }

        CheckUrl(data);
        if (data.TryGetProperty("format", out var format) &&
            (format.ValueKind != JsonValueKind.String || format.GetString() != "event_id_only"))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "'data.format' must be \"event_id_only\" when given");
        }

        return new PusherSettings(userId, deviceId, "http", request.AppId, request.PushKey, appDisplayName,
            deviceDisplayName, profileTag, lang, data.GetRawText(), nowMs);
    }

    /// <summary><c>data.url</c> of a stored pusher, or null.</summary>
    public static string? Url(string dataJson)
    {
        using var document = JsonDocument.Parse(dataJson);
        return document.RootElement.ValueKind == JsonValueKind.Object &&
               document.RootElement.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
            ? url.GetString()
            : null;
    }

    private static void CheckUrl(JsonElement data)
    {
        if (!data.TryGetProperty("url", out var url))
        {
            throw new MatrixException(ErrorCode.MissingParam, "HTTP pushers need 'data.url'");
        }

        if (url.ValueKind != JsonValueKind.String)
        {
            throw new MatrixException(ErrorCode.BadJson, "'data.url' must be a string");
        }

        if (!Uri.TryCreate(url.GetString(), UriKind.Absolute, out var uri) ||
            uri.Scheme is not ("http" or "https") || uri.AbsolutePath != NotifyPath ||
            uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"'data.url' must be an http(s) URL whose path is {NotifyPath}");
        }
    }

    private static string RequiredString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            throw new MatrixException(ErrorCode.MissingParam, $"Missing '{name}'");
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new MatrixException(ErrorCode.BadJson, $"'{name}' must be a string");
    }
}
