using Homeserver.Core.Identifiers;

namespace Homeserver.Core.AppServices;

/// <summary>The namespaces an appservice is interested in (users, room aliases, room IDs).</summary>
public sealed record AppServiceNamespaces(
    IReadOnlyList<AppServiceNamespace> Users,
    IReadOnlyList<AppServiceNamespace> Aliases,
    IReadOnlyList<AppServiceNamespace> Rooms)
{
    public static readonly AppServiceNamespaces None = new([], [], []);
}

/// <summary>
/// An application service as its registration file describes it (Application Service API, "Registration").
/// </summary>
/// <param name="Url">Where transactions and queries go; null when the appservice wants no traffic.</param>
/// <param name="RateLimited">Whether requests of masqueraded users are rate-limited (never the sender's).</param>
/// <param name="ReceiveEphemeral">Whether typing, receipts and presence are pushed (<c>receive_ephemeral</c> or
/// MSC2409's unstable key).</param>
/// <param name="DeviceMasquerading">MSC3202: <c>?device_id=</c> and device lists, one-time key counts pushed.</param>
/// <param name="DeviceManagement">MSC4190: devices of its users created and deleted without interactive auth.</param>
public sealed record AppServiceRegistration(
    string Id,
    Uri? Url,
    string AsToken,
    string HsToken,
    UserId Sender,
    AppServiceNamespaces Namespaces,
    bool RateLimited,
    IReadOnlyList<string> Protocols,
    bool ReceiveEphemeral,
    bool DeviceMasquerading,
    bool DeviceManagement)
{
    /// <summary>The sender, or a user in the users namespace: users the appservice may act as.</summary>
    public bool IsInterestedInUser(string userId) => userId == Sender.Value || AnyMatch(Namespaces.Users, userId);

    public bool IsInterestedInAlias(string alias) => AnyMatch(Namespaces.Aliases, alias);

    public bool IsInterestedInRoom(string roomId) => AnyMatch(Namespaces.Rooms, roomId);

    /// <summary>Whether the appservice claims the user ID for itself (others may not register it).</summary>
    public bool ClaimsUser(string userId) =>
        userId == Sender.Value || Namespaces.Users.Any(ns => ns.Exclusive && ns.Matches(userId));

    /// <summary>Whether the appservice claims the alias for itself (others may not create it).</summary>
    public bool ClaimsAlias(string alias) => Namespaces.Aliases.Any(ns => ns.Exclusive && ns.Matches(alias));

    private static bool AnyMatch(IReadOnlyList<AppServiceNamespace> namespaces, string value)
    {
        foreach (var ns in namespaces)
        {
            if (ns.Matches(value))
            {
                return true;
            }
        }

        return false;
    }
}
