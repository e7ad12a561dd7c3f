using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Admin;

/// <summary>A field of a PUT body that may be absent, present with a value, or present as null.</summary>
public readonly record struct Optional<T>(bool Present, T? Value);

/// <summary>The body of <c>PUT /_synapse/admin/v2/users/{userId}</c>, checked with Synapse's rules and messages.</summary>
public sealed record AdminUserChange(
    string? Password,
    bool LogoutDevices,
    bool? Admin,
    bool? Deactivated,
    bool? Locked,
    Optional<string> DisplayName,
    Optional<string> AvatarUrl,
    Optional<string> UserType)
{
    public static AdminUserChange Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.NotJson, "Content not JSON.");
        }

        // Third-party identifiers and external IDs are not stored by this server: a request that sets some is refused
        // rather than half done.
        foreach (var list in new[] { "threepids", "external_ids" })
        {
            if (body.TryGetProperty(list, out var value) && value.ValueKind == JsonValueKind.Array &&
                value.GetArrayLength() > 0)
            {
                throw new MatrixException(ErrorCode.Unknown, $"'{list}' are not supported by this server");
            }
        }

        var userType = Text(body, "user_type");
        if (userType.Value is not null && !SharedSecretRegistration.UserTypes.Contains(userType.Value))
        {
            throw new MatrixException(ErrorCode.Unknown, "Invalid user type");
        }

        var admin = Flag(body, "admin", "Param 'admin' must be a boolean, if given", ErrorCode.BadJson);
        string? password = null;
        if (body.TryGetProperty("password", out var passwordValue) && passwordValue.ValueKind != JsonValueKind.Null)
        {
            password = passwordValue.ValueKind == JsonValueKind.String &&
                       passwordValue.GetString() is { Length: > 0 and <= RegistrationService.MaxPasswordLength } text
                ? text
                : throw new MatrixException(ErrorCode.Unknown, "Invalid password");
        }

        var logout = Flag(body, "logout_devices", "'logout_devices' parameter is not of type boolean", ErrorCode.Unknown);
        var deactivated = Flag(body, "deactivated", "'deactivated' parameter is not of type boolean", ErrorCode.Unknown);
        var locked = Flag(body, "locked", "'locked' parameter is not of type boolean", ErrorCode.Unknown);
        if (deactivated == true && locked == true)
        {
            throw new MatrixException(ErrorCode.Unknown, "An user can't be deactivated and locked");
        }

        return new AdminUserChange(password, logout ?? true, admin, deactivated, locked, Text(body, "displayname"),
            Text(body, "avatar_url"), userType);
    }

    private static bool? Flag(JsonElement body, string name, string message, ErrorCode code) =>
        !body.TryGetProperty(name, out var value) ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw new MatrixException(code, message);

    private static Optional<string> Text(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) ? default
        : value.ValueKind == JsonValueKind.Null ? new Optional<string>(true, null)
        : value.ValueKind == JsonValueKind.String ? new Optional<string>(true, value.GetString())
        : throw new MatrixException(ErrorCode.BadJson, $"'{name}' must be a string");
}
