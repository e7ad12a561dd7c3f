using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Services.Admin;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>
/// Every endpoint of the admin group: server admins only (403 <c>M_FORBIDDEN</c> "You are not a server admin", as
/// Synapse answers), checked before anything about the target is looked at; and every call, allowed or refused, in
/// the audit log with its outcome. The access token itself is checked before (401 <c>M_MISSING_TOKEN</c> and
/// <c>M_UNKNOWN_TOKEN</c>: nobody to record).
/// </summary>
public sealed class AdminAccessFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var requester = http.Requester();
        object? result;
        try
        {
            if (!requester.IsAdmin)
            {
                throw new MatrixException(ErrorCode.Forbidden, "You are not a server admin");
            }

            result = await next(context);
        }
        catch (MatrixException refused)
        {
            await RecordAsync(http, requester.UserId.Value, refused.HttpStatus, refused.Code.Code);
            throw;
        }
        catch (Exception failed) when (failed is not OperationCanceledException)
        {
            await RecordAsync(http, requester.UserId.Value, StatusCodes.Status500InternalServerError, "M_UNKNOWN");
            throw;
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        await RecordAsync(http, requester.UserId.Value, status, null);
        return result;
    }

    /// <summary>Writes the audit entry of a call of an admin endpoint. Not cancelled with the request: a mutation
    /// that went through is recorded even if the client hung up meanwhile.</summary>
    /// <param name="target">The object of the call; the path's first value when null.</param>
    public static Task RecordAsync(HttpContext http, string actor, int status, string? errorCode, string? target = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var endpoint = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "";
        target ??= http.Request.RouteValues.Values.OfType<string>().FirstOrDefault();
        return http.RequestServices.GetRequiredService<AdminAuditLog>().RecordAsync(actor, http.Request.Method,
            endpoint, target, status, errorCode, http.ClientAddress(), CancellationToken.None);
    }
}
