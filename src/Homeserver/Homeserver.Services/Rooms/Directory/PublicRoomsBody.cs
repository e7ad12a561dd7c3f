using System.Text.Json;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Rooms.Directory;

/// <summary>The parameters of /publicRooms as the client API and federation's /publicRooms both take them.</summary>
public static class PublicRoomsBody
{
    public static int? ParseLimit(string? limit) =>
        limit is null ? null
        : int.TryParse(limit, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture,
            out var value) ? value
        : throw new MatrixException(ErrorCode.InvalidParam, "'limit' must be an integer");

    public static PublicRoomsRequest Parse(string? server, JsonElement body)
    {
        int? limit = !body.TryGetProperty("limit", out var l) || l.ValueKind == JsonValueKind.Null ? null
            : l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var n) ? n
            : throw new MatrixException(ErrorCode.BadJson, "'limit' must be an integer");
        var since = !body.TryGetProperty("since", out var s) || s.ValueKind == JsonValueKind.Null ? null
            : s.ValueKind == JsonValueKind.String ? s.GetString()
            : throw new MatrixException(ErrorCode.BadJson, "'since' must be a string");
        string? term = null;
        List<string?>? types = null;
        if (body.TryGetProperty("filter", out var filter) && filter.ValueKind != JsonValueKind.Null)
        {
            if (filter.ValueKind != JsonValueKind.Object)
            {
                throw new MatrixException(ErrorCode.BadJson, "'filter' must be an object");
            }

            term = !filter.TryGetProperty("generic_search_term", out var t) || t.ValueKind == JsonValueKind.Null ? null
                : t.ValueKind == JsonValueKind.String ? t.GetString()
                : throw new MatrixException(ErrorCode.BadJson, "'generic_search_term' must be a string");
            if (filter.TryGetProperty("room_types", out var rt) && rt.ValueKind != JsonValueKind.Null)
            {
                if (rt.ValueKind != JsonValueKind.Array ||
                    rt.EnumerateArray().Any(e => e.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)))
                {
                    throw new MatrixException(ErrorCode.BadJson, "'room_types' must be a list of strings and nulls");
                }

                types = rt.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? null : e.GetString()).ToList();
            }
        }

        return new PublicRoomsRequest(server, limit, since, term, types);
    }
}
