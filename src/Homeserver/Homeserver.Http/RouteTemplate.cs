using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Http;

public static class RouteTemplate
{
    /// <summary>The matched route's template (never the raw path, which may carry tokens or user IDs).</summary>
    public static string Of(HttpContext context) =>
        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
}
