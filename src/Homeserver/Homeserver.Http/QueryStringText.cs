using Homeserver.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Http;

/// <summary>
/// Query strings follow the rule of bodies (<see cref="JsonBody"/>): no U+0000, which Postgres text cannot hold and
/// no identifier, token or filter allows. Kestrel leaves the query string undecoded and refuses a raw NUL in the
/// request line (and <c>%00</c> in the path) itself, so <c>%00</c> in the raw query is the only way one arrives.
/// Decoding cannot make a lone surrogate (invalid UTF-8 escapes decode to U+FFFD).
/// </summary>
public static class QueryStringText
{
    /// <summary>Before routing: 400 <c>M_INVALID_PARAM</c> for a query string holding <c>%00</c>.</summary>
    public static Task RefuseNulAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "Query parameters must not contain U+0000 (%00)");
        }

        return next(context);
    }
}
