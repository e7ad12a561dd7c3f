using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;

namespace Homeserver.Services.Sync.Sliding;

/// <summary>
/// Which state a sliding sync room config asks for (MSC4186 <c>required_state</c>). Two request shapes are read: the
/// list of <c>[type, state_key]</c> pairs clients send today, where <c>*</c> is a wildcard, <c>$ME</c> the syncing
/// user and <c>[m.room.member, $LAZY]</c> asks for lazily loaded members; and the MSC's later object
/// <c>{include, exclude, lazy_members}</c>, where an omitted field matches anything. Configs of several rules
/// combine into their union (<see cref="Union"/>).
/// </summary>
public sealed record RequiredStateSpec(IReadOnlyList<StateKeyPattern> Include, IReadOnlyList<StateKeyPattern> Exclude,
    bool LazyMembers)
{
    public const string Wildcard = "*";
    public const string Me = "$ME";
    public const string Lazy = "$LAZY";
    private const int MaxEntries = 1000;

    public static readonly RequiredStateSpec None = new([], [], false);

    /// <summary>Whether anything but lazily loaded members can match.</summary>
    public bool IsEmpty => Include.Count == 0;

    /// <summary>Whether the state entry is asked for (lazy members aside: <see cref="LazyMembers"/>).</summary>
    public bool Matches(TypeAndStateKey key, string userId) =>
        Include.Any(p => p.Matches(key, userId)) && !Exclude.Any(p => p.Matches(key, userId));

    /// <summary>The entries of <paramref name="state"/> asked for, looked up by key when no pattern has a wildcard.</summary>
    public IEnumerable<KeyValuePair<TypeAndStateKey, string>> Select(IReadOnlyDictionary<TypeAndStateKey, string> state,
        string userId)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (Include.Any(p => p.Type is null || p.StateKey is null))
        {
            return state.Where(p => Matches(p.Key, userId));
        }

        return Include.Select(p => new TypeAndStateKey(p.Type!, p.StateKey == Me ? userId : p.StateKey!))
            .Distinct().Where(k => state.ContainsKey(k) && Matches(k, userId))
            .Select(k => KeyValuePair.Create(k, state[k]));
    }

    /// <summary>The superset of two configs: state either asks for.</summary>
    public RequiredStateSpec Union(RequiredStateSpec other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsEmpty && !other.LazyMembers)
        {
            return this;
        }

        if (IsEmpty && !LazyMembers)
        {
            return other;
        }

        // What one config excludes, the other may still ask for: keep an exclusion only when both make it.
        return new RequiredStateSpec(Include.Concat(other.Include).Distinct().ToList(),
            Exclude.Intersect(other.Exclude).ToList(), LazyMembers || other.LazyMembers);
    }

    /// <summary>A short stable digest of the config, stored per room to notice when the client asks for other state.</summary>
    public string Fingerprint()
    {
        var text = JsonSerializer.Serialize(new object[]
        {
            Include.Select(p => p.ToString()).Order(StringComparer.Ordinal).ToArray(),
            Exclude.Select(p => p.ToString()).Order(StringComparer.Ordinal).ToArray(),
            LazyMembers,
        });
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)),
            0, 12);
    }

    /// <summary>Reads <c>required_state</c> in either shape; a missing one asks for nothing.</summary>
    public static RequiredStateSpec Parse(JsonElement? element)
    {
        if (element is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return None;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Array => ParsePairs(value),
            JsonValueKind.Object => ParseObject(value),
            _ => throw Bad("required_state must be a list or an object"),
        };
    }

    private static RequiredStateSpec ParsePairs(JsonElement list)
    {
        var include = new List<StateKeyPattern>();
        var lazy = false;
        foreach (var pair in Limit(list))
        {
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 ||
                pair[0].ValueKind != JsonValueKind.String || pair[1].ValueKind != JsonValueKind.String)
            {
                throw Bad("required_state entries must be [type, state_key] pairs of strings");
            }

            var (type, stateKey) = (pair[0].GetString()!, pair[1].GetString()!);
            if (type == EventTypes.Member && stateKey == Lazy)
            {
                lazy = true;
                continue;
            }

            include.Add(new StateKeyPattern(type == Wildcard ? null : type, stateKey == Wildcard ? null : stateKey));
        }

        return new RequiredStateSpec(include.Distinct().ToList(), [], lazy);
    }

    private static RequiredStateSpec ParseObject(JsonElement config)
    {
        var lazy = config.TryGetProperty("lazy_members", out var l) && l.ValueKind == JsonValueKind.True;
        return new RequiredStateSpec(Patterns(config, "include"), Patterns(config, "exclude"), lazy);
    }

    private static List<StateKeyPattern> Patterns(JsonElement config, string field)
    {
        if (!config.TryGetProperty(field, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"required_state.{field} must be a list");
        }

        return Limit(list).Select(e => e.ValueKind == JsonValueKind.Object
            ? new StateKeyPattern(OptionalString(e, "type"), OptionalString(e, "state_key"))
            : throw Bad($"required_state.{field} entries must be objects")).Distinct().ToList();
    }

    private static JsonElement.ArrayEnumerator Limit(JsonElement list) =>
        list.GetArrayLength() <= MaxEntries ? list.EnumerateArray() : throw Bad("required_state is too long");

    private static string? OptionalString(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Bad($"required_state {name} must be a string");

    private static MatrixException Bad(string message) => new(ErrorCode.BadJson, message);
}

/// <summary>A state entry pattern; a null part matches anything, and a state key <c>$ME</c> the syncing user.</summary>
public sealed record StateKeyPattern(string? Type, string? StateKey)
{
    public bool Matches(TypeAndStateKey key, string userId) =>
        (Type is null || string.Equals(Type, key.Type, StringComparison.Ordinal)) &&
        (StateKey is null || string.Equals(StateKey == RequiredStateSpec.Me ? userId : StateKey, key.StateKey,
            StringComparison.Ordinal));

    public override string ToString() => (Type ?? "\u0000*") + "\u0001" + (StateKey ?? "\u0000*");
}
