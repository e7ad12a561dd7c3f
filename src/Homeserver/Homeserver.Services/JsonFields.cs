using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;

namespace Homeserver.Services;

/// <summary>Optional fields of a request body: absent or null is null; any other wrong kind is 400 M_BAD_JSON.</summary>
public static class JsonFields
{
    public static string? OptionalString(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new MatrixException(ErrorCode.BadJson, $"'{name}' must be a string");

    /// <summary>Absent or null is false.</summary>
    public static bool OptionalBool(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw new MatrixException(ErrorCode.BadJson, $"'{name}' must be a boolean"),
        };

    /// <summary>A copy of the object, or null when absent.</summary>
    public static JsonObject? OptionalObject(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Object ? JsonObject.Create(value)!.DeepClone().AsObject()
        : throw new MatrixException(ErrorCode.BadJson, $"'{name}' must be an object");

    /// <summary>
    /// A response object of string fields, leaving out those that are null: the spec types such fields as strings, so
    /// "no value" is an absent key, never <c>null</c>.
    /// </summary>
    public static JsonObject StringsWithoutNulls(params (string Key, string? Value)[] fields)
    {
        var result = new JsonObject();
        foreach (var (key, value) in fields)
        {
            if (value is not null)
            {
                result[key] = value;
            }
        }

        return result;
    }
}
