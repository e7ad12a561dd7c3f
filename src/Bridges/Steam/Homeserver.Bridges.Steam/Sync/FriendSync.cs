using System.Text.Json.Nodes;
using Homeserver.Bridges.AppService;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.Steam.Client;
using Homeserver.Bridges.Steam.Matrix;
using Homeserver.Bridges.Steam.Store;

namespace Homeserver.Bridges.Steam.Sync;

/// <summary>
/// Linked users' Steam friends. Friend lists (public ones; a private list keeps what was last seen) are stored per
/// user. A friend without a Matrix account gets a ghost and, once, a DM room: the ghost creates it
/// (<c>is_direct</c>, inviting the user), the user joins it through double puppeting and it is added to their
/// <c>m.direct</c>. A friend who is a linked Matrix user gets no ghost and no room: <c>!steam status</c> lists them.
/// </summary>
public sealed partial class FriendSync(SteamBridgeStore store, SteamWebApiClient steam, Intents intents, PuppetClient puppets,
    AppServiceIdentity identity, ILogger<FriendSync> logger)
{
    /// <summary>Reads every linked user's friend list; a failure for one user is logged and the others go on.</summary>
    public async Task RefreshListsAsync(IReadOnlyList<SteamLink> links, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(links);
        foreach (var link in links)
        {
            SteamFriendList list;
            try
            {
                list = await steam.GetFriendListAsync(link.SteamId, cancellationToken);
            }
            catch (SteamApiException e)
            {
                LogListFailed(logger, e, link.UserId, link.SteamId);
                continue;
            }

            if (list.IsPrivate)
            {
                LogPrivateList(logger, link.UserId, link.SteamId);
                continue;
            }

            await store.SetFriendsAsync(link.UserId, [.. list.Friends.Select(f => f.SteamId).Where(id => id != link.SteamId)],
                cancellationToken);
        }
    }

    /// <summary>Creates the DM rooms still missing, for friends Steam gave a profile of (<paramref name="players"/>).</summary>
    public async Task EnsureRoomsAsync(IReadOnlyList<SteamLink> links, IReadOnlyDictionary<string, SteamPlayer> players,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(players);
        var linked = links.Select(l => l.SteamId).ToHashSet(StringComparer.Ordinal);
        foreach (var link in links)
        {
            foreach (var friend in await store.FriendsOfAsync(link.UserId, cancellationToken))
            {
                if (linked.Contains(friend) || !players.ContainsKey(friend))
                {
                    continue;
                }

                var ghost = identity.UserIdOf(SteamUsers.GhostLocalpart(friend));
                try
                {
                    if (await store.DmRoomAsync(link.UserId, ghost, cancellationToken) is null)
                    {
                        await CreateDmAsync(link.UserId, ghost, cancellationToken);
                    }
                }
                catch (MatrixApiException e)
                {
                    LogDmFailed(logger, e, link.UserId, ghost);
                }
            }
        }
    }

    private async Task CreateDmAsync(string userId, string ghost, CancellationToken cancellationToken)
    {
        var roomId = await intents.For(ghost).CreateRoomAsync(new JsonObject
        {
            ["preset"] = "trusted_private_chat",
            ["is_direct"] = true,
            ["invite"] = new JsonArray(userId),
        }, cancellationToken);
        await store.SaveDmRoomAsync(userId, ghost, roomId, cancellationToken);
        LogDmCreated(logger, roomId, userId, ghost);
        try
        {
            await puppets.AddDirectRoomAsync(ghost, userId, roomId, cancellationToken);
            await puppets.JoinAsync(userId, roomId, cancellationToken);
            await puppets.AddDirectRoomAsync(userId, ghost, roomId, cancellationToken);
        }
        catch (MatrixApiException e)
        {
            // The invite stays; the user can still accept it by hand.
            LogDoublePuppetFailed(logger, e, userId, roomId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The Steam friend list of {UserId} ({SteamId}) is private; keeping the friends last seen")]
    private static partial void LogPrivateList(ILogger logger, string userId, string steamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the Steam friend list of {UserId} ({SteamId}); trying again next time")]
    private static partial void LogListFailed(ILogger logger, Exception exception, string userId, string steamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create the DM room between {UserId} and {Ghost}; trying again next time")]
    private static partial void LogDmFailed(ILogger logger, Exception exception, string userId, string ghost);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created DM room {RoomId} between {UserId} and {Ghost}")]
    private static partial void LogDmCreated(ILogger logger, string roomId, string userId, string ghost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not join {UserId} to their DM room {RoomId} (double puppeting); the invite stays")]
    private static partial void LogDoublePuppetFailed(ILogger logger, Exception exception, string userId, string roomId);
}
