using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Testing.Steam;

/// <summary>
/// The Steam Web API routes a bridge uses, answering in Steam's exact shapes: <c>ISteamUser/GetPlayerSummaries/v2</c>
/// (<c>{"response":{"players":[...]}}</c>, at most 100 IDs), <c>ISteamUser/GetFriendList/v1</c>
/// (<c>{"friendslist":{"friends":[...]}}</c>, 401 for a private list), 403 for a missing or wrong key (as Steam, an
/// HTML page), queued 429s and 5xx, and the avatar images the profiles point at.
/// </summary>
public static class SteamWebApiRoutes
{
    private const int MaxSummaries = 100;

    public static IEndpointRouteBuilder MapSteamWebApi(this IEndpointRouteBuilder routes, SteamWebApiState state)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(state);
        // A route matches with or without the trailing slash (Steam takes both).
        routes.MapGet("/ISteamUser/GetPlayerSummaries/v2", (HttpContext http) => Guarded(http, state, () => Summaries(http, state)));
        routes.MapGet("/ISteamUser/GetFriendList/v1", (HttpContext http) => Guarded(http, state, () => FriendList(http, state)));
        routes.MapGet("/avatars/{file}", (string file) => file.EndsWith("_full.jpg", StringComparison.Ordinal)
            ? Results.Bytes(SteamWebApiState.AvatarBytes(file[..^"_full.jpg".Length]), "image/png")
            : Results.NotFound());
        return routes;
    }

    private static IResult Guarded(HttpContext http, SteamWebApiState state, Func<IResult> answer)
    {
        var query = http.Request.Query.ToDictionary(q => q.Key, q => q.Key == "key" ? "***" : q.Value.ToString(), StringComparer.Ordinal);
        IResult result;
        int status;
        if (state.TryTakeFailure(out var failure))
        {
            if (failure.RetryAfter is { } wait)
            {
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            (result, status) = (Html(failure.Status, failure.Status == 429 ? "Too Many Requests" : "Internal Server Error"), failure.Status);
        }
        else if (http.Request.Query["key"].ToString() != state.Key)
        {
            (result, status) = (Html(403, "Forbidden", "Access is denied. Retrying will not help. Please verify your <pre>key=</pre> parameter."), 403);
        }
        else
        {
            result = answer();
            status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200;
        }

        state.Record(new SteamWebApiRequest(http.Request.Path, query, status));
        return result;
    }

    private static IResult Summaries(HttpContext http, SteamWebApiState state)
    {
        var ids = http.Request.Query["steamids"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length > MaxSummaries)
        {
            return Html(400, "Bad Request", "Too many steamids");
        }

        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        var players = new JsonArray();
        foreach (var p in state.Players(ids))
        {
            var player = new JsonObject
            {
                ["steamid"] = p.SteamId,
                ["communityvisibilitystate"] = p.CommunityVisibilityState,
                ["profilestate"] = 1,
                ["personaname"] = p.PersonaName,
                ["commentpermission"] = 1,
                ["profileurl"] = $"https://steamcommunity.com/profiles/{p.SteamId}/",
                ["avatar"] = $"{origin}/avatars/{p.AvatarHash}.jpg",
                ["avatarmedium"] = $"{origin}/avatars/{p.AvatarHash}_medium.jpg",
                ["avatarfull"] = $"{origin}/avatars/{p.AvatarHash}_full.jpg",
                ["avatarhash"] = p.AvatarHash,
                ["lastlogoff"] = 1764892800,
                ["personastate"] = p.CommunityVisibilityState == 3 ? p.PersonaState : 0,
                ["primaryclanid"] = "103582791429521408",
                ["timecreated"] = 1262304000,
                ["personastateflags"] = 0,
            };
            if (p.RealName is not null)
            {
                player["realname"] = p.RealName;
            }

            if (p.GameExtraInfo is not null)
            {
                player["gameextrainfo"] = p.GameExtraInfo;
                player["gameid"] = p.GameId ?? "440";
            }

            players.Add(player);
        }

        return Results.Json(new JsonObject { ["response"] = new JsonObject { ["players"] = players } });
    }

    private static IResult FriendList(HttpContext http, SteamWebApiState state)
    {
        var steamId = http.Request.Query["steamid"].ToString();
        var (known, isPrivate, friends) = state.FriendList(steamId);
        if (!known || isPrivate)
        {
            return Html(401, "Unauthorized", "Unauthorized");
        }

        var list = new JsonArray();
        foreach (var friend in friends)
        {
            list.Add(new JsonObject { ["steamid"] = friend, ["relationship"] = "friend", ["friend_since"] = 1609459200 });
        }

        return Results.Json(new JsonObject { ["friendslist"] = new JsonObject { ["friends"] = list } });
    }

    private static IResult Html(int status, string title, string? body = null) => Results.Content(
        $"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body ?? title}</body></html>", "text/html", null, status);
}
