using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Testing.Steam;

/// <summary>
/// Steam's OpenID 2.0 provider (<c>/openid/login</c>: checkid_setup signs <see cref="SteamStandInState.LoggedInSteamId"/>
/// in at once and redirects back; check_authentication checks the HMAC signature it made) and the Web API's
/// <c>ISteamUserAuth/AuthenticateUserTicket/v1</c>, answering as Steam does.
/// </summary>
public static class SteamOpenIdEndpoints
{
    public const string OpenIdPath = "/openid/login";
    private const string Namespace = "http://specs.openid.net/auth/2.0";
    private const string Signed = "signed,op_endpoint,claimed_id,identity,return_to,response_nonce,assoc_handle";

    public static IEndpointRouteBuilder MapSteamOpenId(this IEndpointRouteBuilder app, SteamStandInState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        app.MapGet(OpenIdPath, (HttpContext context) => state.Down ? Results.StatusCode(503) : CheckIdSetup(context, state));

        app.MapPost(OpenIdPath, async (HttpContext context) =>
        {
            if (state.Down)
            {
                return Results.StatusCode(503);
            }

            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
            state.CheckAuthenticationRequests.Enqueue(fields);
            var valid = state.ConfirmAssertions && fields.GetValueOrDefault("openid.mode") == "check_authentication" &&
                        fields.GetValueOrDefault("openid.sig") is { } sig &&
                        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sig),
                            Encoding.ASCII.GetBytes(Sign(state, fields)));
            return Results.Text($"ns:{Namespace}\nis_valid:{(valid ? "true" : "false")}\n", "text/plain");
        });

        app.MapGet("/ISteamUserAuth/AuthenticateUserTicket/v1/", (HttpContext context) =>
        {
            if (state.Down)
            {
                return Results.StatusCode(503);
            }

            var query = context.Request.Query;
            if (query["key"] != state.WebApiKey)
            {
                return Results.Content("<html><body>Forbidden</body></html>", "text/html", statusCode: 403);
            }

            if (query["appid"] != state.AppId || !state.Tickets.TryGetValue(query["ticket"].ToString(), out var ticket))
            {
                return Results.Json(new JsonObject
                {
                    ["response"] = new JsonObject
                    {
                        ["error"] = new JsonObject { ["errorcode"] = 101, ["errordesc"] = "Invalid ticket" },
                    },
                });
            }

            return Results.Json(new JsonObject
            {
                ["response"] = new JsonObject
                {
                    ["params"] = new JsonObject
                    {
                        ["result"] = "OK", ["steamid"] = ticket.SteamId, ["ownersteamid"] = ticket.SteamId,
                        ["vacbanned"] = ticket.VacBanned, ["publisherbanned"] = ticket.PublisherBanned,
                    },
                },
            });
        });
        return app;
    }

    private static IResult CheckIdSetup(HttpContext context, SteamStandInState state)
    {
        var query = context.Request.Query;
        var returnTo = query["openid.return_to"].ToString();
        if (query["openid.mode"] != "checkid_setup" || query["openid.ns"] != Namespace || returnTo.Length == 0 ||
            query["openid.identity"] != Namespace + "/identifier_select" ||
            query["openid.claimed_id"] != Namespace + "/identifier_select" ||
            !returnTo.StartsWith(query["openid.realm"].ToString(), StringComparison.Ordinal))
        {
            return Results.Content("<html><body>Invalid OpenID request</body></html>", "text/html", statusCode: 400);
        }

        var claimed = state.ClaimedIdOverride ?? "https://steamcommunity.com/openid/id/" + state.LoggedInSteamId;
        var nonce = state.FixedNonce ??
                    (state.NonceTime ?? DateTimeOffset.UtcNow).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'",
                        System.Globalization.CultureInfo.InvariantCulture) + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["openid.ns"] = Namespace,
            ["openid.mode"] = "id_res",
            ["openid.op_endpoint"] = state.OpEndpointOverride ?? state.OpenIdUrl,
            ["openid.claimed_id"] = claimed,
            ["openid.identity"] = claimed,
            ["openid.return_to"] = returnTo,
            ["openid.response_nonce"] = nonce,
            ["openid.assoc_handle"] = "1234567890",
            ["openid.signed"] = Signed,
        };
        fields["openid.sig"] = Sign(state, fields);
        var separator = returnTo.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return Results.Redirect(returnTo + separator + string.Join('&',
            fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value))));
    }

    // OpenID's signature over the signed fields in key-value form (section 6.1), with the stand-in's own key.
    private static string Sign(SteamStandInState state, IReadOnlyDictionary<string, string> fields)
    {
        var signed = fields.GetValueOrDefault("openid.signed") ?? "";
        var text = new StringBuilder();
        foreach (var name in signed.Split(','))
        {
            text.Append(name).Append(':').Append(fields.GetValueOrDefault("openid." + name) ?? "").Append('\n');
        }

        return Convert.ToBase64String(HMACSHA256.HashData(state.SigningKey, Encoding.UTF8.GetBytes(text.ToString())));
    }
}
