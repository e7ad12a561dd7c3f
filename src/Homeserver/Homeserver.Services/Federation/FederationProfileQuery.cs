using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Federation;

/// <summary>
/// <c>GET /_matrix/federation/v1/query/profile</c>: a local user's profile for another server. Where profiles are
/// limited to users who share a room (<c>Profiles:LimitToUsersWhoShareRooms</c>), a server asking cannot be checked
/// that way, so it is refused (403 <c>M_FORBIDDEN</c>, which the spec allows).
/// </summary>
public sealed class FederationProfileQuery(IProfileStore profiles, HomeserverSettings settings)
{
    public async Task<JsonObject> QueryAsync(string? userId, string? field, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userId))
        {
            throw new MatrixException(ErrorCode.MissingParam, "The user_id parameter is required");
        }

        if (!UserId.TryParse(userId, out var user, out var error))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Invalid user ID: {error}");
        }

        if (user.Domain != settings.ServerName)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "The user is not hosted on this server");
        }

        if (settings.Profiles.LimitToUsersWhoShareRooms)
        {
            throw new MatrixException(ErrorCode.Forbidden, "Profile lookup over federation is disabled on this server");
        }

        var profile = ProfileService.ToJson(await profiles.GetAsync(user, cancellationToken)
                                            ?? throw new MatrixException(ErrorCode.NotFound, "User does not exist."));
        if (field is null)
        {
            return profile;
        }

        return profile.TryGetPropertyValue(field, out var value)
            ? new JsonObject { [field] = value?.DeepClone() }
            : throw new MatrixException(ErrorCode.NotFound, $"The profile has no '{field}' field");
    }
}
