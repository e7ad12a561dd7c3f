using System.Text.Json;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Keys.Backup;

/// <summary>Reading the bodies of PUT /room_keys/keys at its three levels into keys (M_BAD_JSON when misshapen).</summary>
public static class KeyBackupBody
{
    /// <summary><c>{"rooms": {roomId: {"sessions": {sessionId: KeyBackupData}}}}</c>.</summary>
    public static List<BackedUpKey> ReadRooms(JsonElement body)
    {
        var rooms = RequiredObject(body, "rooms", "body");
        var keys = new List<BackedUpKey>();
        foreach (var room in rooms.EnumerateObject())
        {
            keys.AddRange(ReadSessions(room.Name, room.Value, $"rooms.{room.Name}"));
        }

        return keys;
    }

    /// <summary><c>{"sessions": {sessionId: KeyBackupData}}</c> for one room.</summary>
    public static List<BackedUpKey> ReadSessions(string roomId, JsonElement body, string where = "body")
    {
        var sessions = RequiredObject(body, "sessions", where);
        return sessions.EnumerateObject()
            .Select(s => ReadKey(roomId, s.Name, s.Value, $"{where}.sessions.{s.Name}"))
            .ToList();
    }

    /// <summary>One KeyBackupData: <c>first_message_index</c>, <c>forwarded_count</c>, <c>is_verified</c>,
    /// <c>session_data</c>.</summary>
    public static BackedUpKey ReadKey(string roomId, string sessionId, JsonElement key, string where = "body")
    {
        if (key.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, $"'{where}' must be an object");
        }

        var firstMessageIndex = RequiredCount(key, "first_message_index", where);
        var forwardedCount = RequiredCount(key, "forwarded_count", where);
        if (!key.TryGetProperty("is_verified", out var verified) ||
            verified.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new MatrixException(ErrorCode.BadJson, $"'{where}.is_verified' must be a boolean");
        }

        var sessionData = RequiredObject(key, "session_data", where);
        return new BackedUpKey(roomId, sessionId, firstMessageIndex, forwardedCount,
            verified.ValueKind == JsonValueKind.True, sessionData.GetRawText());
    }

    private static long RequiredCount(JsonElement parent, string name, string where) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number &&
        value.TryGetInt64(out var number) && number >= 0
            ? number
            : throw new MatrixException(ErrorCode.BadJson, $"'{where}.{name}' must be a non-negative integer");

    private static JsonElement RequiredObject(JsonElement parent, string name, string where) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) &&
        value.ValueKind == JsonValueKind.Object
            ? value
            : throw new MatrixException(ErrorCode.BadJson, $"'{where}.{name}' must be an object");
}
