using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.AppServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.ClientApi.Http;

/// <summary>
/// Authenticates requests to endpoints marked <see cref="ClientAuth.RequireAccessToken{TBuilder}"/>: the token
/// from <c>Authorization: Bearer</c> or the <c>access_token</c> query parameter, 401 <c>M_MISSING_TOKEN</c> /
/// <c>M_UNKNOWN_TOKEN</c> otherwise, and 403 <c>M_GUEST_ACCESS_FORBIDDEN</c> for guests where they may not go. An
/// appservice's <c>as_token</c> is tried first (<see cref="AppServiceAuthenticator"/>).
/// </summary>
public sealed class AccessTokenMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var requirement = context.GetEndpoint()?.Metadata.GetMetadata<ClientAuth.AccessTokenRequirement>();
        if (requirement is not null)
        {
            var token = ClientAuth.ReadToken(context.Request);
            if (token is null)
            {
                if (requirement.Optional)
                {
                    await next(context);
                    return;
                }

                throw new MatrixException(ErrorCode.MissingToken, "Missing access token");
            }

            var services = context.RequestServices;
            var requester = await AuthenticateAppServiceAsync(context, token)
                            ?? await services.GetRequiredService<AccessTokenAuthenticator>()
                                .AuthenticateAsync(token, context.RequestAborted);
            if (requester.IsGuest && !requirement.AllowGuests)
            {
                throw new MatrixException(ErrorCode.GuestAccessForbidden, "Guest access not allowed");
            }

            AccountRestrictions.Check(requester, context.GetEndpoint()!.Metadata);
            context.Items[ClientAuth.RequesterKey] = requester;
            services.GetRequiredService<DeviceActivityTracker>().Record(requester, context.Connection.RemoteIpAddress?.ToString());
        }

        await next(context);
    }

    /// <summary>The requester of a request made with an appservice's <c>as_token</c> (identity assertion from the
    /// query string), or null when the token is not one.</summary>
    private static async Task<Requester?> AuthenticateAppServiceAsync(HttpContext context, string token)
    {
        var authenticator = context.RequestServices.GetService<AppServiceAuthenticator>();
        if (authenticator?.Find(token) is not { } appService)
        {
            return null;
        }

        var query = context.Request.Query;
        var assertion = new AppServiceAuthenticator.Assertion(First(query, "user_id"),
            First(query, "device_id") ?? First(query, AppServiceAuthenticator.UnstableDeviceIdParameter));
        return await authenticator.AuthenticateAsync(appService, assertion, context.RequestAborted);
    }

    /// <summary>
    /// For endpoints that take an appservice's <c>as_token</c> without requiring a token (register and login with
    /// <c>m.login.application_service</c>): the appservice acting as its sender, or 401 <c>M_MISSING_TOKEN</c> /
    /// <c>M_UNKNOWN_TOKEN</c> (also for a user's access token).
    /// </summary>
    public static async Task<Requester> RequireAppServiceAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var token = ClientAuth.ReadToken(context.Request)
                    ?? throw new MatrixException(ErrorCode.MissingToken, "Missing access token");
        var authenticator = context.RequestServices.GetRequiredService<AppServiceAuthenticator>();
        var appService = authenticator.Find(token) ?? throw new MatrixException(ErrorCode.UnknownToken,
            "This login method is only valid for application services",
            extraFields: new Dictionary<string, object?> { ["soft_logout"] = false });
        return await authenticator.AuthenticateAsync(appService, new AppServiceAuthenticator.Assertion(null, null),
            context.RequestAborted);
    }

    private static string? First(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
}

public static class ClientAuth
{
    internal static readonly object RequesterKey = new();

    /// <summary>The endpoint needs an access token; guests only where <paramref name="allowGuests"/>.</summary>
    public static TBuilder RequireAccessToken<TBuilder>(this TBuilder builder, bool allowGuests = false)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(new AccessTokenRequirement(allowGuests, Optional: false)));
        return builder;
    }

    /// <summary>The endpoint works without an access token, and authenticates one if given (an invalid one is 401).</summary>
    public static TBuilder AllowAccessToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(new AccessTokenRequirement(AllowGuests: true, Optional: true)));
        return builder;
    }

    /// <summary>The requester, when the request was authenticated.</summary>
    public static Requester? TryGetRequester(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[RequesterKey] as Requester;
    }

    /// <summary>The authenticated requester of an endpoint that requires an access token.</summary>
    public static Requester Requester(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[RequesterKey] as Requester
               ?? throw new InvalidOperationException("The endpoint is not marked RequireAccessToken");
    }

    public static string? ReadToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Query.TryGetValue("access_token", out var query) && query.Count > 0 ? query[0] : null;
    }

    public sealed record AccessTokenRequirement(bool AllowGuests, bool Optional);
}
