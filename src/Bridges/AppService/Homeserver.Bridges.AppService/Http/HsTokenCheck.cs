using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Bridges.AppService.Http;

/// <summary>
/// Checks the homeserver's <c>hs_token</c> (spec: Application Service API, Authorization): <c>Authorization: Bearer</c>,
/// or the legacy <c>access_token</c> query parameter older homeservers send. None: 401 <c>M_UNAUTHORIZED</c>;
/// a wrong one: 403 <c>M_FORBIDDEN</c>.
/// </summary>
public sealed class HsTokenCheck(AppServiceIdentity identity) : IEndpointFilter
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(identity.Registration.HsToken);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var token = Presented(context.HttpContext.Request);
        if (token is null)
        {
            return AppServiceErrors.Error(StatusCodes.Status401Unauthorized, "M_UNAUTHORIZED", "No hs_token was given");
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _expected))
        {
            return AppServiceErrors.Error(StatusCodes.Status403Forbidden, "M_FORBIDDEN", "The hs_token is not this appservice's");
        }

        return await next(context);
    }

    private static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Query.TryGetValue("access_token", out var query) && query.Count > 0 ? query[0] : null;
    }
}
