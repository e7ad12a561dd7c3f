using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Profiles of users on other servers (federation's <c>/query/profile</c>). Registered by federation; without it,
/// such profiles are not found. Failures are thrown as the client should see them.
/// </summary>
public interface IRemoteProfiles
{
    /// <param name="field">One field, or null for the whole profile.</param>
    Task<JsonObject> GetAsync(UserId userId, string? field, CancellationToken cancellationToken);
}
