using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Admin;

/// <summary>
/// Synapse's registration-token admin API: list (optionally only valid or only invalid tokens), create (a chosen
/// token or a random one of a given length), read, change uses and expiry, delete. Validation and its messages are
/// Synapse's (400 <c>M_INVALID_PARAM</c>), since admin tools show them.
/// </summary>
public sealed class RegistrationTokenAdmin(IRegistrationTokenAdminStore store, IRegistrationTokenStore tokens,
    TimeProvider time)
{
    public const int MaxTokenLength = 64;
    public const int DefaultLength = 16;
    private const int GenerationAttempts = 3;

    /// <summary>The characters of a token (RFC 3986's unreserved set).</summary>
    public const string AllowedCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-";

    public async Task<JsonObject> ListAsync(bool? valid, CancellationToken cancellationToken)
    {
        var list = await store.ListAsync(valid, Now(), cancellationToken);
        return new JsonObject { ["registration_tokens"] = new JsonArray(list.Select(t => (JsonNode)ToJson(t)).ToArray()) };
    }

    public async Task<JsonObject> GetAsync(string token, CancellationToken cancellationToken) =>
        ToJson(await tokens.GetAsync(token, cancellationToken) ?? throw Unknown(token));

    public async Task<JsonObject> CreateAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var usesAllowed = UsesAllowed(body);
        var expiryTs = ExpiryTime(body);
        if (body.TryGetProperty("token", out var chosen))
        {
            var token = ValidToken(chosen);
            return await TryCreateAsync(token, usesAllowed, expiryTs, cancellationToken)
                ?? throw Invalid($"Token already exists: {token}");
        }

        var length = Length(body);
        for (var attempt = 0; attempt < GenerationAttempts; attempt++)
        {
            var token = RandomNumberGenerator.GetString(AllowedCharacters, length);
            if (await TryCreateAsync(token, usesAllowed, expiryTs, cancellationToken) is { } created)
            {
                return created;
            }
        }

        throw new MatrixException(ErrorCode.Unknown, "Unable to generate a unique token", 500);
    }

    /// <summary>Only the fields present change; an empty body reads the token.</summary>
    public async Task<JsonObject> UpdateAsync(string token, JsonElement body, CancellationToken cancellationToken)
    {
        var setUses = body.TryGetProperty("uses_allowed", out _);
        var setExpiry = body.TryGetProperty("expiry_time", out _);
        var change = new RegistrationTokenChange(setUses, setUses ? UsesAllowed(body) : null, setExpiry,
            setExpiry ? ExpiryTime(body) : null);
        var updated = setUses || setExpiry
            ? await store.UpdateAsync(token, change, cancellationToken)
            : await tokens.GetAsync(token, cancellationToken);
        return ToJson(updated ?? throw Unknown(token));
    }

    public async Task DeleteAsync(string token, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(token, cancellationToken))
        {
            throw Unknown(token);
        }
    }

    public static JsonObject ToJson(RegistrationToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new JsonObject
        {
            ["token"] = token.Token,
            ["uses_allowed"] = token.UsesAllowed,
            ["pending"] = token.Pending,
            ["completed"] = token.Completed,
            ["expiry_time"] = token.ExpiryTs,
        };
    }

    private async Task<JsonObject?> TryCreateAsync(string token, int? usesAllowed, long? expiryTs,
        CancellationToken cancellationToken)
    {
        var created = new RegistrationToken(token, usesAllowed, 0, expiryTs);
        return await store.TryCreateAsync(created, Now(), cancellationToken) ? ToJson(created) : null;
    }

    private static string ValidToken(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid("token must be a string");
        }

        var token = value.GetString()!;
        if (token.Length is 0 or > MaxTokenLength)
        {
            throw Invalid("token must not be empty and must not be longer than 64 characters");
        }

        return token.All(c => AllowedCharacters.Contains(c, StringComparison.Ordinal))
            ? token
            : throw Invalid("token must consist only of characters matched by the regex [A-Za-z0-9-_]");
    }

    private static int Length(JsonElement body)
    {
        if (!body.TryGetProperty("length", out var value))
        {
            return DefaultLength;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var length))
        {
            throw Invalid("length must be an integer");
        }

        return length is > 0 and <= MaxTokenLength
            ? (int)length
            : throw Invalid("length must be greater than zero and not greater than 64");
    }

    private static int? UsesAllowed(JsonElement body)
    {
        if (!body.TryGetProperty("uses_allowed", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var uses) && uses >= 0
            ? uses
            : throw Invalid("uses_allowed must be a non-negative integer or null");
    }

    private long? ExpiryTime(JsonElement body)
    {
        if (!body.TryGetProperty("expiry_time", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var expiry))
        {
            throw Invalid("expiry_time must be an integer or null");
        }

        return expiry >= Now() ? expiry : throw Invalid("expiry_time must not be in the past");
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static MatrixException Invalid(string message) => new(ErrorCode.InvalidParam, message);

    private static MatrixException Unknown(string token) =>
        new(ErrorCode.NotFound, $"No such registration token: {token}");
}
