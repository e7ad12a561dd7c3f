using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Homeserver.Core.Auth;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Live.Posting;

/// <summary>
/// The live posting rules (docs/LIVE.md "Posting rules") for a local user's message: schedule, timeout, rules gate,
/// slow mode, in that order; moderators are exempt from all, webhook bots from the rules gate and slow mode.
/// The send path is hot, so the work is split: <see cref="ClearAsync"/> runs before the append on the head this
/// process has cached (no database access; in a room without any live state it is four dictionary lookups) and does
/// what needs the database (the user's rules acceptance, the slow-mode claim in Postgres) only when that head asks;
/// <see cref="Check"/> runs in the append's decision on the real head under the room's lock, refuses by schedule and
/// timeout, and sees that the clearance covers what that head asks (else the sender clears again on it).
/// </summary>
public sealed class LivePostingPolicy(IRoomHeadCache heads, ILiveSlowModeStore slowMode, IAccountDataStore accountData,
    TimeProvider clock)
{
    /// <summary>Checks made before the append, on this process's cached head of the room; null when it asks for
    /// none (or none is cached: <see cref="Check"/> then asks for them if the real head needs them).</summary>
    /// <exception cref="MatrixException">The refusal (docs/LIVE.md), extra fields included.</exception>
    public ValueTask<LivePostingClearance?> ClearAsync(UserId userId, string roomId, CancellationToken cancellationToken)
    {
        var head = heads.Peek(roomId);
        return head is null || LiveRoomState.HasNoPostingRules(head, userId.Value)
            ? ValueTask.FromResult<LivePostingClearance?>(null)
            : ClearOnAsync(userId, head, null, cancellationToken);
    }

    /// <summary>The checks <paramref name="head"/> asks for that <paramref name="previous"/> did not make.</summary>
    public async ValueTask<LivePostingClearance?> ClearOnAsync(UserId userId, RoomHead head,
        LivePostingClearance? previous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(head);
        var demands = Demands(head, userId.Value);
        if (!demands.Any)
        {
            return previous;
        }

        var accepted = previous?.AcceptedRulesVersion;
        var claimedAt = previous?.SlowModeClaimedAt;
        if (demands.RulesVersion is { } version && !SameVersion(accepted, version))
        {
            if (!await HasAcceptedAsync(userId, head.RoomId, version, cancellationToken))
            {
                throw new MatrixException(LiveNames.RulesNotAccepted,
                    "Accept this room's rules before posting", extraFields: new Dictionary<string, object?>
                    {
                        ["rules_version"] = version.Clone(),
                    });
            }

            accepted = version.Clone();
        }

        if (demands.SlowModeSeconds > 0 && claimedAt is null)
        {
            var now = NowMs();
            var interval = demands.SlowModeSeconds * 1000L;
            if (await slowMode.TryClaimAsync(head.RoomId, userId.Value, now, interval, cancellationToken) is
                { } refusal)
            {
                var retryAfter = refusal.LastPostedAt is { } last ? Math.Clamp(last + interval - now, 1, interval)
                    : interval;
                throw new MatrixException(ErrorCode.LimitExceeded,
                    $"Slow mode: one message every {demands.SlowModeSeconds.ToString(CultureInfo.InvariantCulture)} s",
                    extraFields: new Dictionary<string, object?> { ["retry_after_ms"] = retryAfter });
            }

            claimedAt = now;
        }

        return new LivePostingClearance(head.RoomId, userId.Value, accepted, claimedAt);
    }

    /// <summary>In the append's decision, on the room's head under its lock: refuses by schedule and timeout, and
    /// throws <see cref="LivePostingClearanceNeededException"/> when <paramref name="clearance"/> does not cover
    /// the rules gate and slow mode this head asks for.</summary>
    public void Check(RoomHead head, UserId userId, LivePostingClearance? clearance)
    {
        ArgumentNullException.ThrowIfNull(head);
        var demands = Demands(head, userId.Value);
        if (!demands.Any)
        {
            return;
        }

        var rulesCovered = demands.RulesVersion is not { } version || SameVersion(clearance?.AcceptedRulesVersion, version);
        var slowModeCovered = demands.SlowModeSeconds == 0 || clearance?.SlowModeClaimedAt is not null;
        if (!rulesCovered || !slowModeCovered)
        {
            throw new LivePostingClearanceNeededException(head);
        }
    }

    /// <summary>Gives back the slow-mode slot of a send that did not happen. A database error leaves it taken (the
    /// user waits out the interval), so the send's own error is the one reported.</summary>
    public async Task ReleaseAsync(LivePostingClearance? clearance)
    {
        if (clearance?.SlowModeClaimedAt is not { } claimedAt)
        {
            return;
        }

        try
        {
            await slowMode.ReleaseAsync(clearance.RoomId, clearance.UserId, claimedAt, CancellationToken.None);
        }
        catch (DbException)
        {
            // Left taken: see the summary.
        }
    }

    /// <summary>Refuses by schedule and timeout; what remains to check (rules gate, slow mode) for this sender.</summary>
    private PostingDemands Demands(RoomHead head, string userId)
    {
        if (LiveRoomState.HasNoPostingRules(head, userId) ||
            LiveModerators.IsModerator(RoomPowerLevels.For(head.RoomState, head.Version), userId))
        {
            return default;
        }

        var now = NowMs();
        if (LiveRoomState.Schedule(head) is { } schedule)
        {
            if (schedule.OpensAt is { } opensAt && now < opensAt)
            {
                throw new MatrixException(LiveNames.NotOpenYet, "This room is not open for posting yet",
                    extraFields: new Dictionary<string, object?> { ["opens_at"] = opensAt });
            }

            if (schedule.EndsAt is { } endsAt && now >= endsAt)
            {
                throw new MatrixException(LiveNames.Closed, "The event is over: this room is a read-only archive");
            }
        }

        if (LiveRoomState.ActiveTimeout(head, userId, now) is { } timeout)
        {
            throw new MatrixException(LiveNames.TimedOut, "You are timed out in this room",
                extraFields: new Dictionary<string, object?> { ["expires_at"] = timeout.ExpiresAt });
        }

        return LiveNames.IsWebhookBot(userId)
            ? default
            : new PostingDemands(LiveRoomState.RulesToAccept(head)?.Version, LiveRoomState.SlowModeSeconds(head));
    }

    private async Task<bool> HasAcceptedAsync(UserId userId, string roomId, JsonElement version,
        CancellationToken cancellationToken)
    {
        if (!RoomId.TryParse(roomId, out var room, out _) ||
            await accountData.GetAsync(userId, room, LiveNames.RulesAccepted, cancellationToken) is not { } stored)
        {
            return false;
        }

        using var document = JsonDocument.Parse(stored);
        return LiveRoomState.Accepts(document.RootElement, version);
    }

    private static bool SameVersion(JsonElement? accepted, JsonElement version) =>
        accepted is { } a && JsonElement.DeepEquals(a, version);

    private long NowMs() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private readonly record struct PostingDemands(JsonElement? RulesVersion, int SlowModeSeconds)
    {
        public bool Any => RulesVersion is not null || SlowModeSeconds > 0;
    }
}
