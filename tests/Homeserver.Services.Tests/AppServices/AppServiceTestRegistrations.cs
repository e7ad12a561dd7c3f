using Homeserver.Core.AppServices;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Tests.AppServices;

/// <summary>Registrations for tests: a bridge with an exclusive ghost namespace and a shared one, and an IRC bridge.</summary>
internal static class AppServiceTestRegistrations
{
    /// <summary>Users <c>@_bridge_.*</c> (exclusive) and <c>@shared_.*</c> (not), aliases <c>#_bridge_.*</c>
    /// (exclusive) and <c>#open_.*</c> (not); rate-limited.</summary>
    public static AppServiceRegistration Bridge { get; } = Create("bridge", "@_bridge_bot:hs.test",
        users: [("@_bridge_.*:hs\\.test", true), ("@shared_.*", false)],
        aliases: [("#_bridge_.*:hs\\.test", true), ("#open_.*", false)], rateLimited: true);

    /// <summary>Users <c>@irc_.*</c> (exclusive), not rate-limited.</summary>
    public static AppServiceRegistration Irc { get; } = Create("irc", "@irc_bot:hs.test",
        users: [("@irc_.*", true)], aliases: [("#irc_.*", true)], rateLimited: false);

    private static AppServiceRegistration Create(string id, string sender, (string, bool)[] users,
        (string, bool)[] aliases, bool rateLimited) =>
        new(id, null, "as-" + id, "hs-" + id, UserId.Parse(sender),
            new AppServiceNamespaces(Namespaces(users), Namespaces(aliases), []), rateLimited, [], false, false, false);

    private static List<AppServiceNamespace> Namespaces((string Regex, bool Exclusive)[] entries) =>
        entries.Select(e => AppServiceNamespace.TryCreate(e.Regex, e.Exclusive, out _)!).ToList();
}
