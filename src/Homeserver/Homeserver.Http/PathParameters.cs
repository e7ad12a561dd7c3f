using Microsoft.AspNetCore.Http;

namespace Homeserver.Http;

/// <summary>
/// Kestrel decodes every escape in the path but <c>%2F</c> (so that an encoded slash cannot split a segment), which
/// therefore reaches route values still encoded. User IDs may contain '/' (the localpart grammar allows it), as may
/// event types and device IDs, so after routing the <c>%2F</c> left in route values becomes '/'. (A literal
/// "%2F" sent as %252F would also become '/'; no identifier grammar we route on allows '%'.)
/// </summary>
public static class PathParameters
{
    /// <summary>After routing, before the endpoint.</summary>
    public static Task DecodeSlashesAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var values = context.Request.RouteValues;
        foreach (var (name, value) in values.ToList())
        {
            if (value is string text && text.Contains("%2F", StringComparison.OrdinalIgnoreCase))
            {
                values[name] = text.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
            }
        }

        return next(context);
    }
}
