using System.Text;
using System.Text.Json;

namespace Homeserver.Core.Push;

/// <summary>
/// Dot-separated property paths (appendix): <c>content.m\.relates_to.rel_type</c>, where <c>\.</c> is a
/// literal dot and <c>\\</c> a literal backslash; any other escape is kept as written.
/// </summary>
public static class PropertyPath
{
    public static IReadOnlyList<string> Split(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '\\' && i + 1 < path.Length && path[i + 1] is '.' or '\\')
            {
                current.Append(path[++i]);
            }
            else if (c == '.')
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        parts.Add(current.ToString());
        return parts;
    }

    /// <summary>The value at the path, or null when a step is missing or not an object.</summary>
    public static JsonElement? Resolve(JsonElement root, string path)
    {
        var current = root;
        foreach (var part in Split(path))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return null;
            }
        }

        return current;
    }
}
