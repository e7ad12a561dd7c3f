using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Social;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Profiles with the generic fields of spec v1.16: <c>displayname</c>, <c>avatar_url</c>, <c>m.tz</c> and custom
/// namespaced fields. Anyone may read a profile (unless <see cref="ProfileLookupRule"/> limits it to users who share a
/// room); only its user may change it, within 64 KiB for the whole profile.
/// </summary>
public sealed partial class ProfileService(IProfileStore profiles, HomeserverSettings settings,
    ProfileLookupRule lookupRule, IEnumerable<IProfileChangeObserver> observers, IRemoteProfiles? remote = null,
    AppServices.AppServiceQueries? appServiceQueries = null)
{
    private readonly IProfileChangeObserver[] _observers = observers.ToArray();

    public const string DisplayName = "displayname";
    public const string AvatarUrl = "avatar_url";
    public const string TimeZone = "m.tz";

    /// <summary>The whole profile, as compact JSON in UTF-8, must stay under this many bytes.</summary>
    public const int MaxProfileBytes = 64 * 1024;

    public const int MaxKeyBytes = 255;

    /// <summary>The fields a guest may change: the spec's guest access list has only PUT .../displayname.</summary>
    public static readonly IReadOnlyList<string> GuestWritableFields = [DisplayName];

    private static readonly JsonSerializerOptions SizeOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <param name="requester">Null for a request without an access token.</param>
    public async Task<JsonObject> GetProfileAsync(Requester? requester, string userId,
        CancellationToken cancellationToken) =>
        await RemoteAsync(requester, userId, null, cancellationToken) ??
        ToJson(await LoadAsync(requester, userId, cancellationToken));

    /// <returns><c>{key: value}</c>.</returns>
    public async Task<JsonObject> GetFieldAsync(Requester? requester, string userId, string key,
        CancellationToken cancellationToken)
    {
        CheckKey(key);
        var profile = await RemoteAsync(requester, userId, key, cancellationToken) ??
                      ToJson(await LoadAsync(requester, userId, cancellationToken));
        return profile.TryGetPropertyValue(key, out var value)
            ? new JsonObject { [key] = value?.DeepClone() }
            : throw new MatrixException(ErrorCode.NotFound, $"The profile has no '{key}' field");
    }

    /// <param name="body">The request body: an object with the property <paramref name="key"/>.</param>
    public async Task SetFieldAsync(Requester requester, string userId, string key, JsonElement body,
        CancellationToken cancellationToken)
    {
        var owner = CheckChange(requester, userId, key);
        if (!body.TryGetProperty(key, out var value))
        {
            throw new MatrixException(ErrorCode.MissingParam, $"The body must have the '{key}' property");
        }

        CheckValue(key, value);
        await UpdateAsync(owner, profile => With(profile, key, value.Clone()), cancellationToken);
        NotifyRoomFields(owner, key);
    }

    public async Task DeleteFieldAsync(Requester requester, string userId, string key,
        CancellationToken cancellationToken)
    {
        var owner = CheckChange(requester, userId, key);
        await UpdateAsync(owner, profile => With(profile, key, null), cancellationToken);
        NotifyRoomFields(owner, key);
    }

    /// <summary>Display name and avatar are also in the user's member events: their observers carry them there.</summary>
    private void NotifyRoomFields(UserId owner, string key)
    {
        if (key is not (DisplayName or AvatarUrl))
        {
            return;
        }

        foreach (var observer in _observers)
        {
            observer.OnProfileChanged(owner);
        }
    }

    /// <summary>The profile as the API shows it: fields that are set, custom ones after the two standard ones.</summary>
    public static JsonObject ToJson(UserProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var json = new JsonObject();
        if (profile.DisplayName is not null)
        {
            json[DisplayName] = profile.DisplayName;
        }

        if (profile.AvatarUrl is not null)
        {
            json[AvatarUrl] = profile.AvatarUrl;
        }

        foreach (var (key, value) in profile.Custom)
        {
            json[key] = JsonNode.Parse(value.GetRawText());
        }

        return json;
    }

    private async Task<UserProfile> LoadAsync(Requester? requester, string userId, CancellationToken cancellationToken)
    {
        var user = ParseUserId(userId);
        await lookupRule.CheckAsync(requester, user, cancellationToken);
        if (await profiles.GetAsync(user, cancellationToken) is { } profile)
        {
            return profile;
        }

        // A user an appservice has not made yet: asked of the appservice, then looked for again.
        return user.Domain == settings.ServerName && appServiceQueries is not null &&
               await appServiceQueries.QueryUserAsync(user.Value, cancellationToken) &&
               await profiles.GetAsync(user, cancellationToken) is { } made
            ? made
            : throw NoSuchUser();
    }

    /// <summary>The profile of a user on another server, asked of that server; null for a local user.</summary>
    private async Task<JsonObject?> RemoteAsync(Requester? requester, string userId, string? field,
        CancellationToken cancellationToken)
    {
        var user = ParseUserId(userId);
        if (user.Domain == settings.ServerName)
        {
            return null;
        }

        await lookupRule.CheckAsync(requester, user, cancellationToken);
        if (remote is null)
        {
            throw new MatrixException(ErrorCode.NotFound, "Profiles of users on other servers cannot be fetched");
        }

        var profile = await remote.GetAsync(user, field, cancellationToken);
        return field is null || profile.ContainsKey(field)
            ? profile
            : throw new MatrixException(ErrorCode.NotFound, $"The profile has no '{field}' field");
    }

    private async Task UpdateAsync(UserId owner, Func<UserProfile, UserProfile> change,
        CancellationToken cancellationToken)
    {
        var found = await profiles.UpdateAsync(owner, current =>
        {
            var next = change(current);
            var size = Encoding.UTF8.GetByteCount(ToJson(next).ToJsonString(SizeOptions));
            return size < MaxProfileBytes
                ? next
                : throw new MatrixException(ErrorCode.ProfileTooLarge,
                    $"The profile would be {size} bytes; it must stay under {MaxProfileBytes}");
        }, cancellationToken);
        if (!found)
        {
            throw NoSuchUser();
        }
    }

    private static UserId CheckChange(Requester requester, string userId, string key)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var owner = ParseUserId(userId);
        if (owner != requester.UserId)
        {
            throw new MatrixException(ErrorCode.Forbidden, "Cannot change the profile of another user");
        }

        CheckKey(key);
        if (requester.IsGuest && !GuestWritableFields.Contains(key))
        {
            throw new MatrixException(ErrorCode.GuestAccessForbidden, $"Guests may not change '{key}'");
        }

        return owner;
    }

    private static void CheckKey(string key)
    {
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            throw new MatrixException(ErrorCode.KeyTooLarge, $"A profile key is at most {MaxKeyBytes} bytes");
        }

        if (!KeyPattern().IsMatch(key))
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                "Invalid profile key: displayname, avatar_url, m.tz or a namespaced name such as com.example.field");
        }
    }

    private static void CheckValue(string key, JsonElement value)
    {
        if (key is DisplayName or AvatarUrl or TimeZone && value.ValueKind != JsonValueKind.String)
        {
            throw new MatrixException(ErrorCode.BadJson, $"'{key}' must be a string");
        }

        if (key == AvatarUrl && value.GetString() is { Length: > 0 } url && !IsMxcUri(url))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "'avatar_url' must be an mxc:// URI");
        }
    }

    /// <summary><c>mxc://server-name/media-id</c>.</summary>
    private static bool IsMxcUri(string url)
    {
        const string scheme = "mxc://";
        if (!url.StartsWith(scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var slash = url.IndexOf('/', scheme.Length);
        return slash > scheme.Length && slash < url.Length - 1 &&
               ServerName.TryParse(url[scheme.Length..slash], out _, out _) &&
               url[(slash + 1)..].All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
    }

    // Clients clear displayname and avatar_url by setting "" (matrix-js-sdk does), so "" is stored as unset.
    private static UserProfile With(UserProfile profile, string key, JsonElement? value)
    {
        switch (key)
        {
            case DisplayName:
                return profile with { DisplayName = value?.GetString() is { Length: > 0 } name ? name : null };
            case AvatarUrl:
                return profile with { AvatarUrl = value?.GetString() is { Length: > 0 } url ? url : null };
            default:
                var custom = new Dictionary<string, JsonElement>(profile.Custom, StringComparer.Ordinal);
                if (value is { } set)
                {
                    custom[key] = set;
                }
                else
                {
                    custom.Remove(key);
                }

                return profile with { Custom = custom };
        }
    }

    private static UserId ParseUserId(string userId) =>
        UserId.TryParse(userId, out var user, out var error)
            ? user
            : throw new MatrixException(ErrorCode.InvalidParam, $"Invalid user ID: {error}");

    private static MatrixException NoSuchUser() => new(ErrorCode.NotFound, "Profile not found");

    [GeneratedRegex(@"^(avatar_url|displayname|m\.tz|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
