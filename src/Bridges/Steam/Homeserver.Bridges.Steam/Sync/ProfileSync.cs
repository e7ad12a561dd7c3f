using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.Steam.Client;
using Homeserver.Bridges.Steam.Matrix;
using Homeserver.Bridges.Steam.Store;

namespace Homeserver.Bridges.Steam.Sync;

/// <summary>
/// Puts a Steam profile on a Matrix user (a linked user or a ghost): persona name -> display name, avatar ->
/// avatar_url, persona state and game -> presence. Each is sent only when it differs from what the bridge last set
/// (kept in steam_puppets), and recorded as soon as it is sent.
/// </summary>
public sealed class ProfileSync(SteamBridgeStore store, PuppetClient puppets, Intents intents, AvatarMirror avatars)
{
    private const int MaxDisplayName = 256;

    /// <returns>whether anything changed on the Matrix side.</returns>
    public async Task<bool> ApplyAsync(string userId, SteamPlayer player, bool isGhost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(player);
        if (isGhost)
        {
            await intents.For(userId).EnsureRegisteredAsync(cancellationToken);
        }

        var state = await store.PuppetAsync(userId, cancellationToken) ?? new PuppetState(userId, player.SteamId, null, null, null, null);
        var changed = false;
        var name = player.PersonaName.Trim();
        name = name.Length > MaxDisplayName ? name[..MaxDisplayName] : name;
        if (name.Length > 0 && name != state.DisplayName)
        {
            await puppets.SetDisplayNameAsync(userId, name, cancellationToken);
            state = state with { DisplayName = name };
            await store.SavePuppetAsync(state, cancellationToken);
            changed = true;
        }

        if (player is { AvatarHash: { Length: > 0 } hash, AvatarFull: { } url } && hash != state.AvatarHash &&
            await avatars.MirrorAsync(hash, url, cancellationToken) is { } mxc)
        {
            await puppets.SetAvatarUrlAsync(userId, mxc, cancellationToken);
            state = state with { AvatarHash = hash };
            await store.SavePuppetAsync(state, cancellationToken);
            changed = true;
        }

        var presence = PresenceMapper.Map(player);
        if (presence.Presence != state.Presence || presence.StatusMsg != state.StatusMsg)
        {
            await puppets.SetPresenceAsync(userId, presence.Presence, presence.StatusMsg, cancellationToken);
            state = state with { Presence = presence.Presence, StatusMsg = presence.StatusMsg };
            await store.SavePuppetAsync(state, cancellationToken);
            changed = true;
        }

        return changed;
    }
}
