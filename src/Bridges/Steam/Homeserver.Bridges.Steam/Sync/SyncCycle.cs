using Homeserver.Bridges.AppService;
using Homeserver.Bridges.Steam.Client;
using Homeserver.Bridges.Steam.Links;
using Homeserver.Bridges.Steam.Store;

namespace Homeserver.Bridges.Steam.Sync;

/// <summary>One poll, as the poller runs it.</summary>
public interface ISyncCycle
{
    /// <returns>whether anything changed on the Matrix side.</returns>
    Task<bool> RunAsync(bool includeFriends, CancellationToken cancellationToken);
}

/// <summary>
/// One poll: new Steam sign-ins become links; when due, friend lists are read; one GetPlayerSummaries pass (batches
/// of 100) covers linked users and their friends; profiles and presence go to the linked users and the ghosts; when
/// the friend lists were read, missing DM rooms are made. A failure for one user is logged and the others go on.
/// </summary>
public sealed partial class SyncCycle(SsoLinkPoller ssoLinks, SteamBridgeStore store, SteamWebApiClient steam,
    ProfileSync profiles, FriendSync friends, AppServiceIdentity identity, ILogger<SyncCycle> logger) : ISyncCycle
{
    /// <returns>whether anything changed on the Matrix side (which resets the poll back-off).</returns>
    public async Task<bool> RunAsync(bool includeFriends, CancellationToken cancellationToken)
    {
        var changed = false;
        try
        {
            changed = await ssoLinks.PollAsync(cancellationToken) > 0;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSsoFailed(logger, e);
        }

        var links = await store.LinksAsync(cancellationToken);
        if (links.Count == 0)
        {
            return changed;
        }

        if (includeFriends)
        {
            await friends.RefreshListsAsync(links, cancellationToken);
        }

        var linkedBySteamId = links.GroupBy(l => l.SteamId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().UserId, StringComparer.Ordinal);
        var friendIds = await store.AllFriendsAsync(cancellationToken);
        var players = (await steam.GetPlayerSummariesAsync(linkedBySteamId.Keys.Concat(friendIds), cancellationToken))
            .GroupBy(p => p.SteamId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var player in players.Values)
        {
            var isGhost = !linkedBySteamId.TryGetValue(player.SteamId, out var userId);
            userId ??= identity.UserIdOf(SteamUsers.GhostLocalpart(player.SteamId));
            try
            {
                changed |= await profiles.ApplyAsync(userId, player, isGhost, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogApplyFailed(logger, e, userId, player.SteamId);
            }
        }

        if (includeFriends)
        {
            await friends.EnsureRoomsAsync(links, players, cancellationToken);
        }

        return changed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the homeserver's Steam sign-ins; trying again next poll")]
    private static partial void LogSsoFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not bring {UserId} up to date with Steam {SteamId}")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string userId, string steamId);
}
