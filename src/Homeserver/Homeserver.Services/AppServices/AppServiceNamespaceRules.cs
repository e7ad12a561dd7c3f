using Homeserver.Core.AppServices;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.AppServices;

/// <summary>
/// Who may create what in appservice namespaces (Application Service API, "Server admin style permissions"): an
/// appservice only users and aliases in its namespaces, anyone else nothing in another's exclusive namespace; both
/// refusals are 400 <c>M_EXCLUSIVE</c> with Synapse's messages.
/// </summary>
public static class AppServiceNamespaceRules
{
    /// <summary>A user ID registered by <paramref name="registrant"/> (null: not by an appservice).</summary>
    public static void CheckUserRegistration(AppServiceRegistry registry, string userId,
        AppServiceRegistration? registrant)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (registrant is not null && !registrant.IsInterestedInUser(userId))
        {
            throw new MatrixException(ErrorCode.Exclusive, "Invalid user localpart for this application service.");
        }

        if (registry.All.Any(other => other != registrant && other.ClaimsUser(userId)))
        {
            throw new MatrixException(ErrorCode.Exclusive, "This user ID is reserved by an application service.");
        }
    }

    /// <summary>An alias created (or deleted) by <paramref name="requester"/>.</summary>
    public static void CheckAlias(AppServiceRegistry registry, Requester requester, string alias)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(requester);
        if (requester.AppService is { } appService)
        {
            if (!appService.IsInterestedInAlias(alias))
            {
                throw new MatrixException(ErrorCode.Exclusive,
                    "This application service has not reserved this kind of alias.");
            }

            return;
        }

        // An appservice's sender with its own access token counts as the appservice, as in Synapse.
        if (registry.All.Any(owner => owner.ClaimsAlias(alias) && owner.Sender != requester.UserId))
        {
            throw new MatrixException(ErrorCode.Exclusive, "This alias is reserved by an application service.");
        }
    }
}
