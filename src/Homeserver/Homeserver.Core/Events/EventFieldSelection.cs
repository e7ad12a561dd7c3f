using System.Text.Json.Nodes;
using Homeserver.Core.Push;

namespace Homeserver.Core.Events;

/// <summary>
/// A filter's <c>event_fields</c>: the fields of an event to keep, as dot-separated paths (<c>content.body</c>,
/// <c>content.m\.relates_to</c>). A path that names an object keeps it whole; fields the event lacks are skipped.
/// </summary>
public sealed class EventFieldSelection
{
    private readonly IReadOnlyList<IReadOnlyList<string>> _paths;

    public EventFieldSelection(IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _paths = fields.Select(PropertyPath.Split).ToList();
    }

    /// <summary>A new object holding only the selected fields of <paramref name="clientEvent"/>.</summary>
    public JsonObject Apply(JsonObject clientEvent)
    {
        ArgumentNullException.ThrowIfNull(clientEvent);
        var result = new JsonObject();
        foreach (var path in _paths)
        {
            Copy(clientEvent, result, path, 0);
        }

        return result;
    }

    private static void Copy(JsonObject source, JsonObject target, IReadOnlyList<string> path, int index)
    {
        if (!source.TryGetPropertyValue(path[index], out var value))
        {
            return;
        }

        if (index == path.Count - 1)
        {
            target[path[index]] = value?.DeepClone();
            return;
        }

        if (value is not JsonObject child)
        {
            return;
        }

        if (!target.TryGetPropertyValue(path[index], out var existing) || existing is not JsonObject targetChild)
        {
            if (existing is not null)
            {
                return; // a shorter path already copied this object whole
            }

            targetChild = new JsonObject();
            target[path[index]] = targetChild;
        }

        Copy(child, targetChild, path, index + 1);
    }
}
