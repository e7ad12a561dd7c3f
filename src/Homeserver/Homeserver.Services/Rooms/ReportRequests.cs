using System.Text.Json;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Rooms;

/// <summary>
/// The bodies of the report endpoints, their JSON types checked (a reason that is not a string is 400 M_BAD_JSON, a
/// score that is not an integer M_INVALID_PARAM); their values are checked by the validators in Services/Validation.
/// </summary>
public sealed record EventReportRequest(string? Reason, int? Score)
{
    public static EventReportRequest Read(JsonElement body) =>
        new(JsonFields.OptionalString(body, "reason"),
            !body.TryGetProperty("score", out var s) || s.ValueKind == JsonValueKind.Null ? null
            : s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var value) ? value
            : throw new MatrixException(ErrorCode.InvalidParam, "score must be an integer"));
}

/// <summary>POST /rooms/{roomId}/report.</summary>
public sealed record RoomReportRequest(string? Reason)
{
    public static RoomReportRequest Read(JsonElement body) => new(JsonFields.OptionalString(body, "reason"));
}

/// <summary>POST /users/{userId}/report.</summary>
public sealed record UserReportRequest(string? Reason)
{
    public static UserReportRequest Read(JsonElement body) => new(JsonFields.OptionalString(body, "reason"));
}
