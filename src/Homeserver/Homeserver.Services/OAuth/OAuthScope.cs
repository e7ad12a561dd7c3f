namespace Homeserver.Services.OAuth;

/// <summary>
/// The scope of a Matrix OAuth login (spec "Scope"): full client-server API access and exactly one device, as
/// <c>urn:matrix:client:api:* urn:matrix:client:device:&lt;device_id&gt;</c>. Unknown tokens are refused, so a grant
/// never claims more than this server enforces.
/// </summary>
public sealed record OAuthScope(string DeviceId)
{
    public const string ApiToken = "urn:matrix:client:api:*";
    public const string DevicePrefix = "urn:matrix:client:device:";
    public const int MaxDeviceIdLength = 255;

    /// <summary>The scope as granted, in a fixed order.</summary>
    public override string ToString() => ApiToken + " " + DevicePrefix + DeviceId;

    /// <returns>The scope, or null with <paramref name="problem"/> saying why it is refused.</returns>
    public static OAuthScope? Parse(string? scope, out string problem)
    {
        problem = "";
        var tokens = (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var hasApi = false;
        string? deviceId = null;
        foreach (var token in tokens)
        {
            if (token == ApiToken)
            {
                hasApi = true;
            }
            else if (token.StartsWith(DevicePrefix, StringComparison.Ordinal))
            {
                if (deviceId is not null)
                {
                    problem = "The scope must hold exactly one urn:matrix:client:device: token";
                    return null;
                }

                deviceId = token[DevicePrefix.Length..];
            }
            else
            {
                problem = $"Unsupported scope token '{token}'";
                return null;
            }
        }

        if (!hasApi)
        {
            problem = "The scope must include urn:matrix:client:api:*";
            return null;
        }

        if (deviceId is null)
        {
            problem = "The scope must hold exactly one urn:matrix:client:device: token";
            return null;
        }

        if (!IsValidDeviceId(deviceId))
        {
            problem = "The device ID must be 1 to 255 characters from A-Z a-z 0-9 - . _ ~";
            return null;
        }

        return new OAuthScope(deviceId);
    }

    /// <summary>The spec's recommended alphabet (RFC 3986 unreserved), which the spec lets servers require.</summary>
    public static bool IsValidDeviceId(string deviceId) =>
        deviceId.Length is > 0 and <= MaxDeviceIdLength && deviceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}
