using Homeserver.Core.AppServices;

namespace Homeserver.Services.AppServices;

/// <summary>
/// Asks appservices about users and aliases this server does not know (Application Service API, "Querying"): a local
/// user ID in an appservice's users namespace (<c>GET /_matrix/app/v1/users/{userId}</c>) or a local alias in its
/// aliases namespace (<c>GET /_matrix/app/v1/rooms/{roomAlias}</c>). A 2xx answer means the appservice has made the
/// user or alias now, so the caller looks again; anything else (or no url) means it does not exist.
/// </summary>
public sealed class AppServiceQueries(AppServiceRegistry registry, AppServiceClient client)
{
    /// <summary>True when an appservice said it made the user.</summary>
    public Task<bool> QueryUserAsync(string userId, CancellationToken cancellationToken) =>
        AskAsync(registry.All.Where(r => r.Namespaces.Users.Any(ns => ns.Matches(userId))),
            "/_matrix/app/v1/users/" + Uri.EscapeDataString(userId), cancellationToken);

    /// <summary>True when an appservice said it made the alias.</summary>
    public Task<bool> QueryAliasAsync(string alias, CancellationToken cancellationToken) =>
        AskAsync(registry.All.Where(r => r.IsInterestedInAlias(alias)),
            "/_matrix/app/v1/rooms/" + Uri.EscapeDataString(alias), cancellationToken);

    private async Task<bool> AskAsync(IEnumerable<AppServiceRegistration> candidates, string path,
        CancellationToken cancellationToken)
    {
        foreach (var appService in candidates.Where(r => r.Url is not null))
        {
            var response = await client.SendAsync(appService, HttpMethod.Get, path, null, cancellationToken);
            if (response.Outcome == AppServiceCallOutcome.Success)
            {
                return true;
            }
        }

        return false;
    }
}
