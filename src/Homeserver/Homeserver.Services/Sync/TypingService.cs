using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;
using Homeserver.Services.Federation.Edus;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Sync;

/// <summary>
/// Who is typing in each room (PUT /rooms/{roomId}/typing/{userId}): kept in memory, shared with the other
/// server processes through <see cref="ISharedStore"/> pub/sub, and ended when its timeout passes. The typing
/// stream's positions are wall-clock milliseconds (kept strictly increasing here), so a token from one process
/// compares sensibly on another.
/// </summary>
public sealed class TypingService(ISharedStore shared, SyncNotifier notifier, IRoomEventReader reader,
    TimeProvider time, FederationEdus? federation = null, AppServices.Push.AppServiceEphemeralPush? appServices = null)
{
    public const string Channel = "typing";
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);

    /// <summary>How long a remote user types without a new EDU (Synapse's federation typing timeout).</summary>
    public static readonly TimeSpan FederationTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, RoomTyping> _rooms = new(StringComparer.Ordinal);
    private long _position;

    /// <summary>The newest typing position.</summary>
    public long Position => Interlocked.Read(ref _position);

    /// <summary>PUT /rooms/{roomId}/typing/{userId}: only for oneself, only in a room one has joined.</summary>
    public async Task SetTypingAsync(Requester requester, string roomId, string userId, bool typing, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (userId != requester.UserId.Value)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You may only set your own typing state");
        }

        if ((await reader.GetMembershipAsync(roomId, userId, cancellationToken))?.Membership != Memberships.Join)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You are not in this room");
        }

        await SetTypingAsync(roomId, userId, typing, timeout, cancellationToken);
        if (federation is not null)
        {
            await federation.ToRoomAsync(roomId, EduTypes.Typing,
                new JsonObject { ["room_id"] = roomId, ["user_id"] = userId, ["typing"] = typing }, cancellationToken);
        }
    }

    /// <summary>A remote user's typing from an <c>m.typing</c> EDU (already checked): ends by itself unless renewed.</summary>
    public Task ApplyRemoteAsync(string roomId, string userId, bool typing, CancellationToken cancellationToken) =>
        SetTypingAsync(roomId, userId, typing, FederationTimeout, cancellationToken);

    private async Task SetTypingAsync(string roomId, string userId, bool typing, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var expires = time.GetUtcNow() + (timeout > MaxTimeout ? MaxTimeout : timeout);
        var changed = Apply(roomId, userId, typing, expires, fromHere: true);
        var message = new JsonObject
        {
            ["room_id"] = roomId, ["user_id"] = userId, ["typing"] = typing, ["expires"] = expires.ToUnixTimeMilliseconds(),
        };
        if (shared.IsShared)
        {
            await shared.PublishAsync(Channel, Encoding.UTF8.GetBytes(message.ToJsonString()), cancellationToken);
        }

        if (changed && appServices is not null && TypingEventSince(roomId, null) is { } typingEvent)
        {
            await appServices.OnTypingAsync(roomId, typingEvent, cancellationToken);
        }
    }

    /// <summary>Applies another process's typing change (it arrives on the shared channel).</summary>
    public void OnSharedMessage(ReadOnlyMemory<byte> message)
    {
        using var document = JsonDocument.Parse(message);
        var root = document.RootElement;
        Apply(root.GetProperty("room_id").GetString()!, root.GetProperty("user_id").GetString()!,
            root.GetProperty("typing").GetBoolean(),
            DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("expires").GetInt64()), fromHere: false);
    }

    /// <summary>The m.typing event of a room when its typing changed after <paramref name="since"/> (always when null).</summary>
    public JsonObject? TypingEventSince(string roomId, long? since)
    {
        if (!_rooms.TryGetValue(roomId, out var room))
        {
            return null;
        }

        lock (room)
        {
            if (since is not null && room.LastChanged <= since)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var users = room.Users.Where(u => u.Value > now).Select(u => u.Key).Order(StringComparer.Ordinal)
                .Select(u => (JsonNode?)u).ToArray();
            return new JsonObject { ["type"] = "m.typing", ["content"] = new JsonObject { ["user_ids"] = new JsonArray(users) } };
        }
    }

    /// <summary>
    /// Ends typing whose timeout has passed, waking the rooms' syncs (run every second or so). Appservices that receive
    /// ephemeral events hear the new list from the process the typing was set in (every process expires it).
    /// </summary>
    public async Task ExpireTimedOutAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var (roomId, room) in _rooms)
        {
            bool changed;
            var ours = false;
            lock (room)
            {
                var expired = room.Users.Where(u => u.Value <= now).Select(u => u.Key).ToList();
                foreach (var userId in expired)
                {
                    room.Users.Remove(userId);
                    ours |= room.SetHere.Remove(userId);
                }

                changed = expired.Count > 0;
                if (changed)
                {
                    room.LastChanged = NextPosition();
                }
            }

            if (!changed)
            {
                continue;
            }

            notifier.WakeLocally([SyncNotifier.RoomKey(roomId)]);
            if (ours && appServices is not null && TypingEventSince(roomId, null) is { } typingEvent)
            {
                await appServices.OnTypingAsync(roomId, typingEvent, cancellationToken);
            }
        }
    }

    /// <summary>True when what clients see changed (not a refresh of ongoing typing).</summary>
    /// <param name="fromHere">Set by a request or an EDU this process took (it then tells appservices when the typing
    /// times out), not heard from another process.</param>
    private bool Apply(string roomId, string userId, bool typing, DateTimeOffset expires, bool fromHere)
    {
        var room = _rooms.GetOrAdd(roomId, _ => new RoomTyping());
        lock (room)
        {
            var wasTyping = room.Users.ContainsKey(userId);
            if (typing)
            {
                room.Users[userId] = expires;
            }
            else
            {
                room.Users.Remove(userId);
            }

            if (typing && fromHere)
            {
                room.SetHere.Add(userId);
            }
            else
            {
                room.SetHere.Remove(userId);
            }

            // Refreshing an ongoing typing notice changes nothing a client sees.
            if (wasTyping == typing && typing)
            {
                return false;
            }

            room.LastChanged = NextPosition();
        }

        notifier.WakeLocally([SyncNotifier.RoomKey(roomId)]);
        return true;
    }

    private long NextPosition()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        while (true)
        {
            var current = Interlocked.Read(ref _position);
            var next = Math.Max(current + 1, now);
            if (Interlocked.CompareExchange(ref _position, next, current) == current)
            {
                return next;
            }
        }
    }

    private sealed class RoomTyping
    {
        public Dictionary<string, DateTimeOffset> Users { get; } = new(StringComparer.Ordinal);

        /// <summary>Users whose typing was last set in this process.</summary>
        public HashSet<string> SetHere { get; } = new(StringComparer.Ordinal);

        public long LastChanged { get; set; }
    }
}
