using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Admin;

/// <summary>Nonces of shared-secret registration, shared by every process.</summary>
public interface IRegistrationNonceStore
{
    /// <summary>Stores a new nonce and forgets those made before <paramref name="expiredBeforeTs"/>.</summary>
    Task AddAsync(string nonce, long nowTs, long expiredBeforeTs, CancellationToken cancellationToken);

    /// <summary>Removes the nonce; returns when it was made, or null when it is unknown (never made, or used).</summary>
    Task<long?> ConsumeAsync(string nonce, CancellationToken cancellationToken);
}

/// <summary>
/// Synapse's shared-secret registration (<c>/_synapse/admin/v1/register</c>): a nonce (single use, 60 s), then an
/// account whose request carries <c>HMAC-SHA1(secret, nonce \0 username \0 password \0 admin|notadmin [\0 user_type])</c>
/// in hex. The checks, their order and their errors are Synapse's: scripts and test suites read them. The nonce is used
/// up by any attempt that names it, even one refused afterwards.
/// </summary>
public sealed class SharedSecretRegistration(
    HomeserverSettings settings,
    IRegistrationNonceStore nonces,
    RegistrationService registration,
    IAdminUserStore users,
    PasswordHashing passwords,
    TimeProvider time)
{
    public static readonly TimeSpan NonceLifetime = TimeSpan.FromSeconds(60);

    /// <summary>User types Synapse knows besides normal users (null).</summary>
    public static readonly IReadOnlySet<string> UserTypes = new HashSet<string>(StringComparer.Ordinal) { "bot", "support" };

    private const int MaxFieldLength = 512;
    private const int StatusCodes403 = 403;

    public async Task<string> NewNonceAsync(CancellationToken cancellationToken)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(64));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await nonces.AddAsync(nonce, now, now - (long)NonceLifetime.TotalMilliseconds, cancellationToken);
        return nonce;
    }

    /// <param name="username">Filled as soon as the body names one, for the audit log.</param>
    public async Task<RegistrationService.Registered> RegisterAsync(JsonElement body, Action<string> username,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(username);
        var secret = settings.Registration.SharedSecret
                     ?? throw new MatrixException(ErrorCode.Unknown, "Shared secret registration is not enabled");
        if (!body.TryGetProperty("nonce", out var nonceValue))
        {
            throw new MatrixException(ErrorCode.BadJson, "nonce must be specified");
        }

        var nonce = nonceValue.ValueKind == JsonValueKind.String ? nonceValue.GetString()! : "";
        var made = nonce.Length == 0 ? null : await nonces.ConsumeAsync(nonce, cancellationToken);
        if (made is null || time.GetUtcNow().ToUnixTimeMilliseconds() - made > (long)NonceLifetime.TotalMilliseconds)
        {
            throw new MatrixException(ErrorCode.Unknown, "unrecognised nonce");
        }

        var name = RequiredText(body, "username", "Invalid username");
        username(name);
        var password = RequiredText(body, "password", "Invalid password");
        var admin = body.TryGetProperty("admin", out var adminValue) && IsTruthy(adminValue);
        var userType = OptionalString(body, "user_type");
        if (userType is not null && !UserTypes.Contains(userType))
        {
            throw new MatrixException(ErrorCode.Unknown, "Invalid user type");
        }

        if (!body.TryGetProperty("mac", out var macValue))
        {
            throw new MatrixException(ErrorCode.BadJson, "mac must be specified");
        }

        var expected = Mac(secret, nonce, name, password, admin, userType);
        var given = macValue.ValueKind == JsonValueKind.String ? Encoding.ASCII.GetBytes(macValue.GetString()!) : [];
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), given))
        {
            throw new MatrixException(ErrorCode.Unknown, "HMAC incorrect", StatusCodes403);
        }

        var refresh = OptionalBool(body, "refresh_token", "refresh_token must be a boolean");
        var inhibitLogin = OptionalBool(body, "inhibit_login", "inhibit_login must be a boolean");
        var login = inhibitLogin ? null : new RegistrationService.RegisterRequest(null, null,
            OptionalString(body, "device_id"), OptionalString(body, "initial_device_display_name"), false, refresh);
        var registered = await registration.CreateByAdministratorAsync(name.ToLowerInvariant(),
            await passwords.HashAsync(password, cancellationToken), admin, OptionalString(body, "displayname"), login,
            cancellationToken);
        if (userType is not null)
        {
            await users.SetUserTypeAsync(registered.UserId, userType, cancellationToken);
        }

        return registered;
    }

    /// <summary>The hex HMAC-SHA1 Synapse expects (its <c>register_new_matrix_user</c> computes the same).</summary>
    public static string Mac(string secret, string nonce, string username, string password, bool admin, string? userType)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var message = new StringBuilder().Append(nonce).Append('\0').Append(username).Append('\0').Append(password)
            .Append('\0').Append(admin ? "admin" : "notadmin");
        if (!string.IsNullOrEmpty(userType))
        {
            message.Append('\0').Append(userType);
        }

#pragma warning disable CA5350 // SHA-1 is what Synapse's protocol fixes; as an HMAC it is not broken
        return Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes(message.ToString())));
#pragma warning restore CA5350
    }

    private static string RequiredText(JsonElement body, string name, string invalid)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            throw new MatrixException(ErrorCode.BadJson, $"{name} must be specified");
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        return text is null || text.Length > MaxFieldLength || text.Contains('\0', StringComparison.Ordinal)
            ? throw new MatrixException(ErrorCode.Unknown, invalid)
            : text;
    }

    private static string? OptionalString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool OptionalBool(JsonElement body, string name, string invalid) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.False ? false
        : value.ValueKind == JsonValueKind.True ? true
        : throw new MatrixException(ErrorCode.Unknown, invalid);

    // Synapse takes `admin` as Python truthiness.
    private static bool IsTruthy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => value.GetDouble() != 0,
        JsonValueKind.String => value.GetString()!.Length > 0,
        JsonValueKind.Array => value.GetArrayLength() > 0,
        JsonValueKind.Object => value.EnumerateObject().Any(),
        _ => false,
    };
}
