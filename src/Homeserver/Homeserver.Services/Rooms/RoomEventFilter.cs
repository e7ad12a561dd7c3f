using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Core.Json;
using Homeserver.Core.Events;

namespace Homeserver.Services.Rooms;

/// <summary>
/// A client's <c>RoomEventFilter</c> (the <c>filter</c> query parameter of /messages and /context): event types and
/// senders to include or exclude ('*' matches any run of characters in types), <c>contains_url</c>, and lazy
/// loading of members.
/// </summary>
public sealed record RoomEventFilter(
    IReadOnlyList<string>? Types,
    IReadOnlyList<string> NotTypes,
    IReadOnlyList<string>? Senders,
    IReadOnlyList<string> NotSenders,
    bool? ContainsUrl,
    bool LazyLoadMembers,
    bool IncludeRedundantMembers)
{
    public static readonly RoomEventFilter None = new(null, [], null, [], null, false, false);

    /// <summary>Whether /sync should count unread notifications per thread (<c>unread_thread_notifications</c>).</summary>
    public bool UnreadThreadNotifications { get; init; }

    /// <summary>Parses the JSON text of a filter; M_INVALID_PARAM when it is not a valid RoomEventFilter.</summary>
    public static RoomEventFilter Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return None;
        }

        if (JsonText.CheckStrings(json) is var error and not JsonTextError.None)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"filter is invalid: {JsonText.Describe(error)}");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "filter is not valid JSON");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "filter must be a JSON object");
        }

        return new RoomEventFilter(
            Strings(root, "types"), Strings(root, "not_types") ?? [],
            Strings(root, "senders"), Strings(root, "not_senders") ?? [],
            Boolean(root, "contains_url"), Boolean(root, "lazy_load_members") ?? false,
            Boolean(root, "include_redundant_members") ?? false)
        {
            UnreadThreadNotifications = Boolean(root, "unread_thread_notifications") ?? false,
        };
    }

    /// <summary>True when every event passes (no types, senders or contains_url condition).</summary>
    public bool MatchesAll =>
        Types is null && NotTypes.Count == 0 && Senders is null && NotSenders.Count == 0 && ContainsUrl is null;

    /// <summary>Whether the event passes the filter.</summary>
    public bool Matches(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        if (NotTypes.Any(t => TypeMatches(t, pdu.Type)) || (Types is not null && !Types.Any(t => TypeMatches(t, pdu.Type))))
        {
            return false;
        }

        if (NotSenders.Contains(pdu.Sender, StringComparer.Ordinal) ||
            (Senders is not null && !Senders.Contains(pdu.Sender, StringComparer.Ordinal)))
        {
            return false;
        }

        return ContainsUrl is not { } wanted || HasUrl(pdu) == wanted;
    }

    /// <summary>Whether an event of <paramref name="type"/> passes the filter's types (ephemeral and account data events).</summary>
    public bool MatchesType(string type) =>
        !NotTypes.Any(t => TypeMatches(t, type)) && (Types is null || Types.Any(t => TypeMatches(t, type)));

    private static bool HasUrl(Pdu pdu) =>
        pdu.Content.ValueKind == JsonValueKind.Object && pdu.Content.TryGetProperty("url", out var url) &&
        url.ValueKind == JsonValueKind.String;

    /// <summary>A type pattern: '*' matches any run of characters, everything else itself.</summary>
    internal static bool TypeMatches(string pattern, string type)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return string.Equals(pattern, type, StringComparison.Ordinal);
        }

        if (!type.StartsWith(parts[0], StringComparison.Ordinal) || !type.EndsWith(parts[^1], StringComparison.Ordinal) ||
            type.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }

        var position = parts[0].Length;
        var end = type.Length - parts[^1].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = type.IndexOf(parts[i], position, end - position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + parts[i].Length;
        }

        return true;
    }

    private static List<string>? Strings(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"filter.{name} must be an array of strings");
        }

        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    private static bool? Boolean(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new MatrixException(ErrorCode.InvalidParam, $"filter.{name} must be a boolean"),
        };
    }
}
