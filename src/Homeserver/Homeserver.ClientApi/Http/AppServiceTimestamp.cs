using System.Globalization;
using Homeserver.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Homeserver.ClientApi.Http;

/// <summary>
/// Timestamp massaging (Application Service API): <c>?ts=</c> on send and state sets an appservice's event's
/// <c>origin_server_ts</c>; a value <c>origin_server_ts</c> cannot hold is 400 <c>M_INVALID_PARAM</c>. Other requesters'
/// <c>ts</c> is ignored, as in Synapse.
/// </summary>
public static class AppServiceTimestamp
{
    // Canonical JSON's integer range.
    private const long MaxSafeInteger = 9_007_199_254_740_991;

    public static long? Read(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Requester().AppService is null || !context.Request.Query.TryGetValue("ts", out var values) ||
            values.Count == 0)
        {
            return null;
        }

        return long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ts) && ts <= MaxSafeInteger
            ? ts
            : throw new MatrixException(ErrorCode.InvalidParam, "'ts' must be a timestamp in milliseconds (a non-negative integer)");
    }
}
