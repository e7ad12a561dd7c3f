using System.Security.Cryptography;
using System.Text;
using Homeserver.Bridges.AppService.Events;
using Homeserver.Bridges.Steam.Client;
using Homeserver.Bridges.Steam.Store;
using Homeserver.Bridges.Steam.Sync;

namespace Homeserver.Bridges.Steam.Bot;

/// <summary>
/// <c>!steam link &lt;steamid64 | profile URL&gt;</c> starts a link and gives a code; the user puts it in their Steam
/// persona name (or real name) for a moment, and <c>!steam link confirm</c> reads it back through GetPlayerSummaries:
/// only the owner of the Steam account can change its name, so that is the proof. Codes last 30 minutes.
/// <c>!steam unlink</c>, <c>!steam status</c> (the link, the presence read, and the friends who are on Matrix),
/// <c>!steam refresh</c> (poll now). Every command answers with one notice text.
/// </summary>
public sealed partial class BotCommands(SteamBridgeStore store, SteamWebApiClient steam, ISteamRefresh poller, TimeProvider time,
    ILogger<BotCommands> logger)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(30);
    private const string CodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public const string Help = """
        Steam bridge commands:
        !steam link <steamid64 or https://steamcommunity.com/profiles/...> - link your Steam account (you prove it with a code)
        !steam link confirm - finish the link once the code is in your Steam persona name
        !steam unlink - stop bridging your Steam account
        !steam status - your link, Steam presence and friends on Matrix
        !steam refresh - read Steam again now
        """;

    public async Task<string> RunAsync(string userId, BotCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            return command switch
            {
                { Verb: "link", Arguments: ["confirm"] } => await ConfirmAsync(userId, cancellationToken),
                { Verb: "link", Arguments: [var target] } => await StartLinkAsync(userId, target, cancellationToken),
                { Verb: "unlink" } => await UnlinkAsync(userId, cancellationToken),
                { Verb: "status" } => await StatusAsync(userId, cancellationToken),
                { Verb: "refresh" } => Refresh(),
                _ => Help,
            };
        }
        catch (SteamApiException e)
        {
            LogSteamFailed(logger, e, command.Verb, userId);
            return "Steam did not answer properly just now; try again in a minute.";
        }
    }

    private async Task<string> StartLinkAsync(string userId, string target, CancellationToken cancellationToken)
    {
        if (!SteamId.TryParse(target, out var steamId))
        {
            return "That is not a SteamID64 (17 digits) or a https://steamcommunity.com/profiles/<id> URL.";
        }

        if (await store.LinkOfUserAsync(userId, cancellationToken) is { } existing)
        {
            return $"You are already linked to Steam {existing.SteamId}; `!steam unlink` first.";
        }

        if (await store.LinkOfSteamIdAsync(steamId, cancellationToken) is not null)
        {
            return $"Steam {steamId} is already linked to a Matrix account.";
        }

        var code = NewCode();
        await store.SetPendingAsync(userId, steamId, code, cancellationToken);
        return $"To prove Steam {steamId} is yours, put {code} in your Steam persona name (profile name), then say " +
               $"`!steam link confirm` within {CodeLifetime.TotalMinutes:0} minutes. You can change the name back afterwards.";
    }

    private async Task<string> ConfirmAsync(string userId, CancellationToken cancellationToken)
    {
        var pending = await store.PendingAsync(userId, cancellationToken);
        if (pending is null || time.GetUtcNow().ToUnixTimeMilliseconds() - pending.CreatedTs > (long)CodeLifetime.TotalMilliseconds)
        {
            return "There is no link waiting (or its code expired); start with `!steam link <steamid64>`.";
        }

        var players = await steam.GetPlayerSummariesAsync([pending.SteamId], cancellationToken);
        if (players.Count == 0 || players[0] is not { } player)
        {
            return $"Steam does not show a profile {pending.SteamId}.";
        }

        if (!player.PersonaName.Contains(pending.Code, StringComparison.OrdinalIgnoreCase) &&
            !(player.RealName?.Contains(pending.Code, StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return $"Steam shows the persona name \"{player.PersonaName}\", which does not contain {pending.Code} yet. " +
                   "Steam can take a minute to show a new name.";
        }

        if (!await store.TryLinkAsync(userId, pending.SteamId, "command", cancellationToken))
        {
            return $"Steam {pending.SteamId} was linked to another Matrix account meanwhile, or you are linked already.";
        }

        await store.DeletePendingAsync(userId, cancellationToken);
        LogLinked(logger, userId, pending.SteamId);
        poller.RequestRefresh();
        return $"Linked to Steam {pending.SteamId}. Your Matrix profile and presence will follow Steam; you can change your persona name back.";
    }

    private async Task<string> UnlinkAsync(string userId, CancellationToken cancellationToken)
    {
        await store.DeletePendingAsync(userId, cancellationToken);
        return await store.UnlinkAsync(userId, cancellationToken)
            ? "Unlinked. The bridge no longer changes your profile or presence; the DM rooms stay."
            : "You are not linked to Steam.";
    }

    private async Task<string> StatusAsync(string userId, CancellationToken cancellationToken)
    {
        if (await store.LinkOfUserAsync(userId, cancellationToken) is not { } link)
        {
            return await store.PendingAsync(userId, cancellationToken) is { } pending
                ? $"Not linked; a link to Steam {pending.SteamId} waits for its code {pending.Code}."
                : "Not linked to Steam. `!steam link <steamid64>` to link.";
        }

        var text = new StringBuilder($"Linked to Steam {link.SteamId} ({(link.Source == "sso" ? "signed in with Steam" : "proved with a code")}).");
        if (await store.PuppetAsync(userId, cancellationToken) is { } state)
        {
            text.Append($" Persona \"{state.DisplayName}\", presence {state.Presence}{(state.StatusMsg is null ? "" : ", " + state.StatusMsg)}.");
        }

        var friends = await store.FriendsOfAsync(userId, cancellationToken);
        var onMatrix = new List<string>();
        foreach (var friend in friends)
        {
            if (await store.LinkOfSteamIdAsync(friend, cancellationToken) is { } friendLink)
            {
                onMatrix.Add(friendLink.UserId);
            }
        }

        text.Append($" {friends.Count} Steam friends known");
        text.Append(onMatrix.Count == 0 ? "." : $"; on Matrix: {string.Join(", ", onMatrix)} (message them directly).");
        text.Append($" Polls so far: {poller.Polls}.");
        return text.ToString();
    }

    private string Refresh()
    {
        poller.RequestRefresh();
        return "Reading Steam again now.";
    }

    private static string NewCode() =>
        "MX-" + string.Create(6, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = CodeAlphabet[RandomNumberGenerator.GetInt32(CodeAlphabet.Length)];
            }
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "Linked {UserId} to Steam {SteamId} (code proof)")]
    private static partial void LogLinked(ILogger logger, string userId, string steamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Steam failed during !steam {Verb} for {UserId}")]
    private static partial void LogSteamFailed(ILogger logger, Exception exception, string verb, string userId);
}
