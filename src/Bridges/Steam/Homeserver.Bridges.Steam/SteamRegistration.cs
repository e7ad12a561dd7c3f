using System.Text.RegularExpressions;
using Homeserver.Bridges.AppService.Registration;

namespace Homeserver.Bridges.Steam;

/// <summary>
/// The bridge's registration: sender <c>_steam_bot</c>, the exclusive user namespace <c>@_steam_.*</c> (bot and
/// ghosts), and a non-exclusive one for every local user (<c>@.*:server</c>), which lets the bridge act as a linked
/// user to set their profile and presence and join their DM rooms (double puppeting, as mautrix bridges do). That
/// second namespace is real power: the bridge may act as any local user, and the homeserver sends it their events.
/// Ephemeral events are not asked for: the bridge needs none, and with that namespace they would be everyone's.
/// </summary>
public static class SteamRegistration
{
    public static Registration Create(string? url, string serverName)
    {
        var generated = RegistrationGenerator.Create(SteamBridgeApp.RegistrationId, url, SteamUsers.BotLocalpart, serverName,
            userPrefix: SteamUsers.Prefix, receiveEphemeral: false);
        return generated with
        {
            Users = [.. generated.Users, new NamespaceEntry($"@.*:{Regex.Escape(serverName)}", Exclusive: false)],
        };
    }
}
