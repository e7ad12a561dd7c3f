using System.Globalization;
using System.Text.Json;
using Homeserver.Bridges.AppService;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.Steam.Client;
using Homeserver.Bridges.Steam.Store;

namespace Homeserver.Bridges.Steam.Links;

/// <summary>
/// Links the users who signed in with Steam: pages through the homeserver's
/// <c>GET /_matrix/client/unstable/org.homeserver.sso/external_ids?auth_provider=steam&amp;since=&amp;limit=</c>
/// (as the bridge, with its as_token) -> <c>{"links":[{"user_id","external_id","linked_at"}],"next_batch"}</c>, keeping
/// the <c>next_batch</c> across restarts. A homeserver without the endpoint (404) is logged once and asked again
/// each poll. The Steam sign-in is the proof of ownership, so these links need no code.
/// </summary>
public sealed partial class SsoLinkPoller(MatrixClient client, SteamBridgeStore store, AppServiceIdentity identity,
    ILogger<SsoLinkPoller> logger)
{
    public const string Path = "/_matrix/client/unstable/org.homeserver.sso/external_ids";
    public const string CursorName = "sso_external_ids";
    public const int PageSize = 100;
    private const int MaxPagesPerPoll = 20;
    private bool _missingLogged;

    /// <returns>how many new links were made.</returns>
    public async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        var made = 0;
        for (var page = 0; page < MaxPagesPerPoll; page++)
        {
            var since = await store.CursorAsync(CursorName, cancellationToken);
            var query = new List<KeyValuePair<string, string>>
            {
                new("auth_provider", "steam"),
                new("limit", PageSize.ToString(CultureInfo.InvariantCulture)),
            };
            if (since is not null)
            {
                query.Add(new("since", since));
            }

            JsonElement answer;
            try
            {
                answer = await client.SendJsonAsync(HttpMethod.Get, Path, null, null, query, cancellationToken);
            }
            catch (MatrixApiException e) when (e.Status is 404 or 405 || e.ErrCode == "M_UNRECOGNIZED")
            {
                if (!_missingLogged)
                {
                    _missingLogged = true;
                    LogEndpointMissing(logger, Path);
                }

                return made;
            }

            var links = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("links", out var list) &&
                        list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [];
            foreach (var link in links)
            {
                if (Read(link, "user_id") is { } userId && Read(link, "external_id") is { } steamId &&
                    SteamUsers.IsLocalUser(userId, identity.ServerName) && SteamId.IsSteamId64(steamId))
                {
                    if (await store.TryLinkAsync(userId, steamId, "sso", cancellationToken))
                    {
                        made++;
                        LogLinked(logger, userId, steamId);
                    }
                }
                else
                {
                    LogBadLink(logger, link.GetRawText());
                }
            }

            var next = Read(answer, "next_batch");
            if (next is null || next == since)
            {
                return made;
            }

            await store.SaveCursorAsync(CursorName, next, cancellationToken);
            if (links.Count == 0)
            {
                return made;
            }
        }

        return made;
    }

    private static string? Read(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "The homeserver does not offer {Path}; users who sign in with Steam are not linked automatically (bot commands still link)")]
    private static partial void LogEndpointMissing(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Linked {UserId} to Steam {SteamId} (signed in with Steam)")]
    private static partial void LogLinked(ILogger logger, string userId, string steamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped an external ID link that is not a local user and a SteamID64: {Link}")]
    private static partial void LogBadLink(ILogger logger, string link);
}
