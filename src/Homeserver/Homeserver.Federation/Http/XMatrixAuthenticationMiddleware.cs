using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;
using Homeserver.Http;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation;
using Homeserver.Services.Federation.Keys;
using Homeserver.Services.Federation.Sending;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Homeserver.Federation.Http;

/// <summary>
/// Authenticates <c>/_matrix/federation/*</c> requests by their <c>Authorization: X-Matrix</c> header (spec:
/// Server-Server API, "Request Authentication"), unless the endpoint says it needs none
/// (<see cref="FederationAuth.AllowUnauthenticated{TBuilder}"/>): an origin refused by the settings' allow/deny lists is
/// 403 <c>M_FORBIDDEN</c>; a <c>destination</c> other than us, an origin key
/// that cannot be found or is not current, or a signature that does not verify over method, request target, origin,
/// destination and body is 401 <c>M_UNAUTHORIZED</c>. The origin is then on the request
/// (<see cref="FederationAuth.Origin"/>), after one request of its <see cref="OriginRateLimit"/> is taken (429 beyond).
/// A signed request also shows the origin is up (<see cref="RemoteServerUp"/>: our queue to it is woken).
/// <c>/_matrix/key/*</c> is never authenticated.
/// </summary>
public sealed partial class XMatrixAuthenticationMiddleware(RequestDelegate next, HomeserverSettings settings,
    IServerKeyResolver keys, OriginRateLimit rateLimit, RemoteServerUp serverUp, TimeProvider time,
    ILogger<XMatrixAuthenticationMiddleware> logger)
{
    private const string FederationPrefix = "/_matrix/federation/";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.GetEndpoint();
        // Unmatched paths and methods (routing's 405 endpoint has no method metadata) are answered without a signature.
        if (endpoint?.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(context.Request.Method) != true ||
            endpoint.Metadata.GetMetadata<FederationAuth.Unauthenticated>() is not null ||
            context.Request.Path.Value?.StartsWith(FederationPrefix, StringComparison.Ordinal) != true)
        {
            await next(context);
            return;
        }

        var origin = await AuthenticateAsync(context);
        await serverUp.SeenAsync(origin, context.RequestAborted);
        rateLimit.Acquire(origin);
        FederationAuth.SetOrigin(context, origin);
        await next(context);
    }

    private async Task<ServerName> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization
            .FirstOrDefault(h => h?.StartsWith(XMatrixAuthorization.Scheme, StringComparison.OrdinalIgnoreCase) == true);
        if (header is null)
        {
            throw Refuse("Missing X-Matrix Authorization header");
        }

        if (!XMatrixAuthorization.TryParse(header, out var authorization, out var error))
        {
            throw Refuse(error);
        }

        if (!ServerName.TryParse(authorization!.Origin, out var origin, out error))
        {
            throw Refuse($"Invalid origin: {error}");
        }

        // Before any key is fetched for it, as Synapse's federation_domain_whitelist.
        if (!settings.FederationAccess.Allows(origin))
        {
            throw new MatrixException(ErrorCode.Forbidden, $"Federation with {origin} is not allowed by this server");
        }

        var us = settings.ServerName.Value;
        if (authorization.Destination is { } destination && destination != us)
        {
            throw Refuse($"The request is for '{destination}', not this server");
        }

        var content = await ReadContentAsync(context);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var key = await keys.GetVerifyKeyAsync(origin, authorization.KeyId, now, context.RequestAborted);
        if (key is null || key.IsOld)
        {
            throw Refuse($"No current key {authorization.KeyId} of {origin} is known");
        }

        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var check = RequestSigning.Verify(authorization, authorization.Destination ?? us, context.Request.Method, target,
            content, key.PublicKey);
        if (!check.IsValid)
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var route = RouteTemplate.Of(context);
                LogRefused(logger, origin.Value, context.Request.Method, route, check.Reason);
            }

            throw Refuse("Invalid signature");
        }

        return origin;
    }

    /// <summary>The body as JSON for the signature check (none when empty), left readable for the endpoint.</summary>
    private static async Task<JsonElement?> ReadContentAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength == 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0))
        {
            return null;
        }

        request.EnableBuffering();
        var body = await JsonBody.ReadObjectAsync(request, context.RequestAborted);
        request.Body.Position = 0;
        return body;
    }

    private static MatrixException Refuse(string message) => new(ErrorCode.Unauthorized, message);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "X-Matrix signature of {Origin} refused on {Method} {Route}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string origin, string method, string route, string reason);
}

/// <summary>What X-Matrix authentication leaves on the request, and how endpoints opt out of it.</summary>
public static class FederationAuth
{
    private static readonly object OriginKey = new();

    /// <summary>The authenticated origin server of the request.</summary>
    public static ServerName Origin(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(OriginKey, out var origin) && origin is ServerName name
            ? name
            : throw new InvalidOperationException("The endpoint is not behind X-Matrix authentication");
    }

    internal static void SetOrigin(HttpContext context, ServerName origin) => context.Items[OriginKey] = origin;

    /// <summary>The endpoint needs no X-Matrix signature (the spec marks it so, e.g. <c>/version</c>).</summary>
    public static TBuilder AllowUnauthenticated<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(new Unauthenticated()));
        return builder;
    }

    public sealed record Unauthenticated;
}
