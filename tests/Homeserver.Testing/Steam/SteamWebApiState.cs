using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Homeserver.Testing.Steam;

/// <summary>A Steam profile as the stand-in serves it (the fields of GetPlayerSummaries a bridge reads).</summary>
public sealed record StandInPlayer(
    string SteamId,
    string PersonaName,
    int PersonaState = 1,
    string? GameExtraInfo = null,
    string? GameId = null,
    string AvatarHash = "fef49e7fa7e1997310d705b2a6158ff8dc1cdfeb",
    string? RealName = null,
    int CommunityVisibilityState = 3);

/// <summary>A request the stand-in's Web API side received (path and query, the key blanked).</summary>
public sealed record SteamWebApiRequest(string Path, IReadOnlyDictionary<string, string> Query, int Status);

/// <summary>
/// What the Steam Web API stand-in knows and does: profiles, friend lists (public or private), the one valid key, and
/// failures a test queues (the next N calls answer 429 or a 5xx). Thread-safe; tests change it while a bridge polls.
/// </summary>
public sealed class SteamWebApiState
{
    private readonly ConcurrentDictionary<string, StandInPlayer> _players = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _friends = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _privateFriendLists = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(int Status, TimeSpan? RetryAfter)> _failures = new();
    private readonly ConcurrentQueue<SteamWebApiRequest> _requests = new();

    public string Key { get; set; } = "stand-in-web-api-key";

    /// <summary>Every Web API request so far, in order.</summary>
    public IReadOnlyList<SteamWebApiRequest> Requests => [.. _requests];

    public void SetPlayer(StandInPlayer player)
    {
        ArgumentNullException.ThrowIfNull(player);
        _players[player.SteamId] = player;
    }

    /// <summary>Changes a profile already set.</summary>
    public void UpdatePlayer(string steamId, Func<StandInPlayer, StandInPlayer> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _players.AddOrUpdate(steamId, _ => throw new InvalidOperationException($"No player {steamId}"), (_, p) => change(p));
    }

    public StandInPlayer? Player(string steamId) => _players.GetValueOrDefault(steamId);

    /// <summary>Sets <paramref name="steamId"/>'s friends (one direction; Steam's lists are mutual, set both if needed).</summary>
    public void SetFriends(string steamId, params string[] friendIds) => _friends[steamId] = friendIds;

    /// <summary>Makes the friend list private (GetFriendList answers 401) or public again.</summary>
    public void SetFriendListPrivate(string steamId, bool isPrivate = true) => _privateFriendLists[steamId] = isPrivate;

    /// <summary>The next <paramref name="count"/> Web API calls answer <paramref name="status"/> (with a
    /// <c>Retry-After</c> header when given) instead of their answer.</summary>
    public void FailNext(int count, int status, TimeSpan? retryAfter = null)
    {
        for (var i = 0; i < count; i++)
        {
            _failures.Enqueue((status, retryAfter));
        }
    }

    /// <summary>Failures queued and not yet served.</summary>
    public int PendingFailures => _failures.Count;

    /// <summary>The bytes of the avatar with <paramref name="hash"/> (made up, stable per hash).</summary>
    public static byte[] AvatarBytes(string hash) =>
        [0x89, .. "PNG\r\n\u001a\n"u8, .. SHA256.HashData(Encoding.UTF8.GetBytes(hash))];

    internal IReadOnlyList<StandInPlayer> Players(IEnumerable<string> steamIds) =>
        steamIds.Select(id => _players.GetValueOrDefault(id)).OfType<StandInPlayer>().ToList();

    internal (bool Known, bool Private, IReadOnlyList<string> Friends) FriendList(string steamId) =>
        (_players.ContainsKey(steamId), _privateFriendLists.GetValueOrDefault(steamId),
            _friends.GetValueOrDefault(steamId) ?? []);

    internal bool TryTakeFailure(out (int Status, TimeSpan? RetryAfter) failure) => _failures.TryDequeue(out failure);

    internal void Record(SteamWebApiRequest request) => _requests.Enqueue(request);
}
