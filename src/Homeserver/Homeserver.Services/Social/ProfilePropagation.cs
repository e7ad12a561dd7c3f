using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Social;

/// <summary>How fast a profile change reaches the rooms of its user: <see cref="Burst"/> rooms at once, then
/// <see cref="RoomsPerSecond"/>. <see cref="Clock"/> replaces the server's clock for this pacing alone (tests).</summary>
public sealed record ProfilePropagationOptions(int Burst, double RoomsPerSecond)
{
    public static readonly ProfilePropagationOptions Default = new(20, 5);

    public TimeProvider? Clock { get; init; }
}

/// <summary>
/// Carries display name and avatar changes into the user's <c>m.room.member</c> event of every room they are joined
/// to, after the profile is stored and in the background: one run per user at a time (a change during a run makes
/// it go round once more, with the newest profile), rooms in room ID order, paced by a token bucket per user. The new
/// content is the current member content with the profile's <c>displayname</c> and <c>avatar_url</c>, so per-room
/// extras stay (Synapse instead writes a fresh join content); a room whose content would not change gets no event.
/// A room that refuses the event (the user may no longer send it, it grew too large) is logged and skipped. Runs
/// are in memory: a change not yet carried everywhere when the process stops is not resumed.
/// </summary>
public sealed partial class ProfilePropagation(IRoomEventReader reader, RoomWriter writer, RoomEventFactory factory,
    IProfileStore profiles, HomeserverSettings settings, TimeProvider time, ProfilePropagationOptions options,
    ILogger<ProfilePropagation> logger) : IProfileChangeObserver, IAsyncDisposable
{
    private readonly RateLimiter _pace = new(new RateLimit(options.RoomsPerSecond, options.Burst), enabled: true,
        options.Clock ?? time);
    private readonly TimeProvider _clock = options.Clock ?? time;
    private readonly Dictionary<string, Run> _runs = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    public void OnProfileChanged(UserId userId)
    {
        if (userId.Domain != settings.ServerName)
        {
            return;
        }

        lock (_lock)
        {
            if (Volatile.Read(ref _disposed) == 1)
            {
                return;
            }

            if (_runs.TryGetValue(userId.Value, out var running))
            {
                running.Again = true;
                return;
            }

            var run = new Run();
            _runs[userId.Value] = run;
            run.Task = Task.Run(() => RunAsync(userId, run));
        }
    }

    private async Task RunAsync(UserId userId, Run run)
    {
        while (true)
        {
            try
            {
                await PropagateAsync(userId, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRunFailed(logger, e, userId.Value);
            }

            lock (_lock)
            {
                if (!run.Again)
                {
                    _runs.Remove(userId.Value);
                    return;
                }

                run.Again = false;
            }
        }
    }

    private async Task PropagateAsync(UserId userId, CancellationToken cancellationToken)
    {
        var rooms = (await reader.GetJoinedRoomsAsync(userId.Value, cancellationToken))
            .Order(StringComparer.Ordinal).ToList();
        foreach (var roomId in rooms)
        {
            while (!_pace.TryAcquire(userId.Value, out var wait))
            {
                await Task.Delay(wait, _clock, cancellationToken);
            }

            // Read per room, so a change made meanwhile is what the remaining rooms get.
            var profile = await profiles.GetAsync(userId, cancellationToken);
            if (profile is null)
            {
                return;
            }

            try
            {
                await writer.AppendAsync(roomId, head => Decide(head, userId.Value, profile), cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogRoomSkipped(logger, roomId, userId.Value, e.Message);
            }
        }
    }

    private List<NewRoomEvent> Decide(RoomHead head, string userId, UserProfile profile)
    {
        var current = head.Get(EventTypes.Member, userId);
        if (current?.Membership != Memberships.Join)
        {
            return [];
        }

        var content = JsonObject.Create(current.Content)!.DeepClone().AsObject();
        SetOrRemove(content, ProfileService.DisplayName, profile.DisplayName);
        SetOrRemove(content, ProfileService.AvatarUrl, profile.AvatarUrl);
        if (JsonNode.DeepEquals(content, JsonObject.Create(current.Content)))
        {
            return [];
        }

        return [new NewRoomEvent(factory.Build(head, new PduTemplate(EventTypes.Member, userId, userId, content)))];
    }

    private static void SetOrRemove(JsonObject content, string key, string? value)
    {
        if (value is null)
        {
            content.Remove(key);
        }
        else
        {
            content[key] = value;
        }
    }

    // Registered under two service types, so the container may dispose it twice.
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }
        }

        await _stopping.CancelAsync();
        Task[] running;
        lock (_lock)
        {
            running = _runs.Values.Select(r => r.Task).OfType<Task>().ToArray();
        }

        await Task.WhenAll(running);
        _stopping.Dispose();
    }

    private sealed class Run
    {
        public bool Again { get; set; }

        public Task? Task { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Profile change of {UserId} not carried into room {RoomId}: {Problem}")]
    private static partial void LogRoomSkipped(ILogger logger, string roomId, string userId, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Carrying the profile change of {UserId} into rooms failed")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string userId);
}
