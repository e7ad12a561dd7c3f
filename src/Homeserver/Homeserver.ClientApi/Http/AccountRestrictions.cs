using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Homeserver.ClientApi.Http;

/// <summary>
/// What locked and suspended accounts may do (spec "Account locking" and "Account suspension"). A locked account gets
/// 401 <c>M_USER_LOCKED</c> (<c>soft_logout: true</c>) everywhere but logout; a suspended one gets 403
/// <c>M_USER_SUSPENDED</c> on endpoints marked <see cref="DeniedWhileSuspended{TBuilder}"/>: creating rooms, sending
/// events (redacting its own stays allowed), joining, knocking, inviting and changing its profile.
/// </summary>
public static class AccountRestrictions
{
    public static TBuilder DeniedWhileSuspended<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(SuspendedDenied.Instance));
        return builder;
    }

    public static TBuilder AllowedWhileLocked<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(LockedAllowed.Instance));
        return builder;
    }

    internal static void Check(Requester requester, EndpointMetadataCollection metadata)
    {
        if (requester.IsLocked && metadata.GetMetadata<LockedAllowed>() is null)
        {
            throw new MatrixException(ErrorCode.UserLocked, "This account has been locked",
                extraFields: new Dictionary<string, object?> { ["soft_logout"] = true });
        }

        if (requester.IsSuspended && metadata.GetMetadata<SuspendedDenied>() is not null)
        {
            throw new MatrixException(ErrorCode.UserSuspended, "This account has been suspended");
        }
    }

    private sealed class SuspendedDenied
    {
        public static readonly SuspendedDenied Instance = new();
    }

    private sealed class LockedAllowed
    {
        public static readonly LockedAllowed Instance = new();
    }
}
