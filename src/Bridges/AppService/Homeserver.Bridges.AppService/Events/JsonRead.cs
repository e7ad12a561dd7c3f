using System.Text.Json;

namespace Homeserver.Bridges.AppService.Events;

/// <summary>Reads fields of untrusted JSON without throwing: a field of the wrong kind reads as absent.</summary>
internal static class JsonRead
{
    public static JsonElement? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;

    public static JsonElement? Object(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Object } value ? value : null;

    public static string? String(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static long? Integer(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : null;

    public static bool? Boolean(JsonElement element, string name) => Property(element, name)?.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    public static IEnumerable<(string Name, JsonElement Value)> Members(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } obj ? obj.EnumerateObject().Select(p => (p.Name, p.Value)) : [];

    public static IReadOnlyList<string> Strings(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];
}
