using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Core.Json;

/// <summary>The <see cref="JsonNode"/> walk of the canonical JSON writer.</summary>
internal sealed partial class CanonicalJsonWriter
{
    private bool TryWriteNode(JsonNode? node, ReadOnlySpan<string> excluded, int depth, ref string error)
    {
        if (depth > MaxDepth)
        {
            error = "JSON is nested too deeply";
            return false;
        }

        switch (node)
        {
            case null:
                WriteAscii("null");
                return true;
            case JsonObject obj:
                var members = new List<KeyValuePair<string, JsonNode?>>(obj.Count);
                foreach (var member in obj)
                {
                    if (!IsExcluded(member.Key, excluded))
                    {
                        members.Add(member);
                    }
                }

                members.Sort((a, b) => CodePointComparer.Instance.Compare(a.Key, b.Key));
                WriteByte((byte)'{');
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        WriteByte((byte)',');
                    }

                    if (!TryWriteString(members[i].Key, ref error))
                    {
                        return false;
                    }

                    WriteByte((byte)':');
                    if (!TryWriteNode(members[i].Value, [], depth + 1, ref error))
                    {
                        return false;
                    }
                }

                WriteByte((byte)'}');
                return true;
            case JsonArray array:
                WriteByte((byte)'[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        WriteByte((byte)',');
                    }

                    if (!TryWriteNode(array[i], [], depth + 1, ref error))
                    {
                        return false;
                    }
                }

                WriteByte((byte)']');
                return true;
            case JsonValue value:
                return TryWriteValue(value, depth, ref error);
            default:
                error = "not a JSON value";
                return false;
        }
    }

    private bool TryWriteValue(JsonValue value, int depth, ref string error)
    {
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return TryWriteElement(element, [], depth, ref error);
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return TryWriteString(value.GetValue<object>() switch
                {
                    string s => s,
                    var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? "",
                }, ref error);
            case JsonValueKind.True:
                WriteAscii("true");
                return true;
            case JsonValueKind.False:
                WriteAscii("false");
                return true;
            case JsonValueKind.Null:
                WriteAscii("null");
                return true;
            case JsonValueKind.Number:
                return TryWriteNumber(value.ToJsonString(), ref error);
            default:
                error = "not a JSON value";
                return false;
        }
    }
}
