namespace Homeserver.Services.Live.Posting;

/// <summary>
/// When each user last posted in each slow-mode room, shared by every server process: a claim is checked and taken
/// in one atomic step, so two processes cannot both let a user's messages through within the interval.
/// </summary>
public interface ILiveSlowModeStore
{
    /// <summary>Takes the user's next slot at <paramref name="nowMs"/> if their last claimed post is at least
    /// <paramref name="intervalMs"/> old (or there is none).</summary>
    /// <returns>Null when claimed; else when the user's last claimed post was (ms), if it is known.</returns>
    Task<SlowModeRefusal?> TryClaimAsync(string roomId, string userId, long nowMs, long intervalMs,
        CancellationToken cancellationToken);

    /// <summary>Gives back a claim made at <paramref name="claimedAtMs"/> whose message was not sent after all (only
    /// if no later claim replaced it).</summary>
    Task ReleaseAsync(string roomId, string userId, long claimedAtMs, CancellationToken cancellationToken);
}

/// <summary>A refused claim: the user's last claimed post (ms), when the store could see it.</summary>
public sealed record SlowModeRefusal(long? LastPostedAt);
