using System.Text.Json;
using Homeserver.Services.Accounts;
using Microsoft.AspNetCore.Http;

namespace Homeserver.ClientApi.Http;

public static class RequestContext
{
    /// <summary>The request as user-interactive auth sees it: body, method, path and requester.</summary>
    public static UserInteractiveAuth.Request ForUia(this HttpContext context, JsonElement body, Requester? requester)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new UserInteractiveAuth.Request(body, context.Request.Method, context.Request.Path.Value ?? "", requester,
            context.ClientAddress());
    }

    /// <summary>The client's address, for rate limits and device last-seen.</summary>
    public static string ClientAddress(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
