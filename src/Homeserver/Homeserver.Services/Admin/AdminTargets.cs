using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Admin;

/// <summary>The user a path of the admin API names: a valid user ID (400 <c>M_INVALID_PARAM</c>) of this server
/// (400 <c>M_UNKNOWN</c> with Synapse's message otherwise).</summary>
public sealed class AdminTargets(HomeserverSettings settings)
{
    public UserId LocalUser(string userId, string notLocalMessage = "Can only look up local users")
    {
        if (!UserId.TryParse(userId, out var target, out _))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "Invalid user id");
        }

        return target.Domain == settings.ServerName ? target : throw new MatrixException(ErrorCode.Unknown, notLocalMessage);
    }

    public static MatrixException UserNotFound() => new(ErrorCode.NotFound, "User not found");
}
