using System.Collections.Concurrent;
using System.Text.Json;
using Homeserver.Core.Events;
using Homeserver.Services.Shared;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// Resolved state groups, which never change once written: kept in memory (up to <see cref="MaxEntries"/> state
/// entries in all, oldest groups dropped first) and, when processes share Redis, there too, so one process's
/// resolution serves the others. A miss resolves from Postgres (<see cref="StateGroups"/>). Redis being away only
/// means more misses. Single keys of groups not read whole (history visibility's questions) are kept in memory too,
/// up to <see cref="MaxKeyedEntries"/> of them. Which group an event's state is after (<c>events.state_group</c>, set
/// once when the event is stored) is remembered too, up to <see cref="MaxEventGroups"/> events, so the syncs woken by
/// one event ask the database neither its group nor that group's state.
/// </summary>
public sealed class StateGroupCache(ISharedStore shared)
{
    private const int MaxEntries = 500_000;
    private const int MaxKeyedEntries = 200_000;
    private const int MaxEventGroups = 50_000;
    private static readonly TimeSpan SharedExpiry = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<long, IReadOnlyDictionary<TypeAndStateKey, string>> _groups = new();
    private readonly ConcurrentQueue<long> _order = new();
    private readonly ConcurrentDictionary<(long Group, TypeAndStateKey Key), string?> _keyed = new();
    private readonly ConcurrentDictionary<string, long> _eventGroups = new(StringComparer.Ordinal);
    private long _entries;

    /// <summary>The state group after <paramref name="eventId"/>, when remembered.</summary>
    public bool TryGetEventGroup(string eventId, out long group) => _eventGroups.TryGetValue(eventId, out group);

    /// <summary>Remembers the state group after an event (never changes once the event row has one).</summary>
    public void RememberEventGroup(string eventId, long group)
    {
        if (_eventGroups.Count >= MaxEventGroups)
        {
            _eventGroups.Clear();
        }

        _eventGroups[eventId] = group;
    }

    /// <summary>The whole state of <paramref name="group"/> when it is in this process's memory.</summary>
    public bool TryGetInMemory(long group, out IReadOnlyDictionary<TypeAndStateKey, string> state) =>
        _groups.TryGetValue(group, out state!);

    /// <summary>The whole state of <paramref name="group"/>.</summary>
    public async Task<IReadOnlyDictionary<TypeAndStateKey, string>> ResolveAsync(NpgsqlConnection connection,
        long group, CancellationToken cancellationToken)
    {
        if (_groups.TryGetValue(group, out var cached))
        {
            return cached;
        }

        if (shared.IsShared && await shared.GetAsync(SharedKey(group), cancellationToken) is { } bytes)
        {
            var fromShared = Deserialize(bytes);
            Remember(group, fromShared);
            return fromShared;
        }

        var state = await StateGroups.ResolveAsync(connection, group, cancellationToken);
        Remember(group, state);
        if (shared.IsShared)
        {
            await shared.SetAsync(SharedKey(group), Serialize(state), SharedExpiry, cancellationToken);
        }

        return state;
    }

    /// <summary>The entries of <paramref name="group"/> for <paramref name="keys"/> when memory holds all of them
    /// (the whole group or each key), else null.</summary>
    public IReadOnlyDictionary<TypeAndStateKey, string>? TryResolveKeysInMemory(long group,
        IReadOnlyCollection<TypeAndStateKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new Dictionary<TypeAndStateKey, string>();
        _groups.TryGetValue(group, out var cached);
        foreach (var key in keys)
        {
            string? eventId;
            if (cached is not null)
            {
                cached.TryGetValue(key, out eventId);
            }
            else if (!_keyed.TryGetValue((group, key), out eventId))
            {
                return null;
            }

            if (eventId is not null)
            {
                result[key] = eventId;
            }
        }

        return result;
    }

    /// <summary>The entries of <paramref name="group"/> for <paramref name="keys"/> only: from memory when the whole
    /// group or those keys of it were read before, otherwise read for the missing keys alone and remembered per key
    /// (history visibility asks every group a timeline shows for the same two keys per reader).</summary>
    public async Task<IReadOnlyDictionary<TypeAndStateKey, string>> ResolveKeysAsync(NpgsqlConnection connection,
        long group, IReadOnlyCollection<TypeAndStateKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new Dictionary<TypeAndStateKey, string>();
        if (_groups.TryGetValue(group, out var cached))
        {
            foreach (var key in keys)
            {
                if (cached.TryGetValue(key, out var eventId))
                {
                    result[key] = eventId;
                }
            }

            return result;
        }

        var missing = new List<TypeAndStateKey>();
        foreach (var key in keys)
        {
            if (!_keyed.TryGetValue((group, key), out var eventId))
            {
                missing.Add(key);
            }
            else if (eventId is not null)
            {
                result[key] = eventId;
            }
        }

        if (missing.Count == 0)
        {
            return result;
        }

        var read = await StateGroups.ResolveKeysAsync(connection, group, missing, cancellationToken);
        if (_keyed.Count + missing.Count > MaxKeyedEntries)
        {
            _keyed.Clear();
        }

        foreach (var key in missing)
        {
            var eventId = read.GetValueOrDefault(key);
            _keyed[(group, key)] = eventId;
            if (eventId is not null)
            {
                result[key] = eventId;
            }
        }

        return result;
    }

    private void Remember(long group, IReadOnlyDictionary<TypeAndStateKey, string> state)
    {
        if (!_groups.TryAdd(group, state))
        {
            return;
        }

        _order.Enqueue(group);
        var total = Interlocked.Add(ref _entries, Math.Max(state.Count, 1));
        while (total > MaxEntries && _order.TryDequeue(out var oldest))
        {
            if (_groups.TryRemove(oldest, out var dropped))
            {
                total = Interlocked.Add(ref _entries, -Math.Max(dropped.Count, 1));
            }
        }
    }

    private static string SharedKey(long group) => "stategroup:" + group.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // [[type, state_key, event_id], ...]
    private static byte[] Serialize(IReadOnlyDictionary<TypeAndStateKey, string> state) =>
        JsonSerializer.SerializeToUtf8Bytes(state.Select(p => new[] { p.Key.Type, p.Key.StateKey, p.Value }));

    private static Dictionary<TypeAndStateKey, string> Deserialize(byte[] bytes) =>
        JsonSerializer.Deserialize<string[][]>(bytes)!.ToDictionary(e => new TypeAndStateKey(e[0], e[1]), e => e[2]);
}
