using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Bridges.Discord.Tests.StandIn;

/// <summary>Webhook deletion with its token, the usernames Discord refuses on webhook messages, and the CDN's
/// custom emoji images.</summary>
public sealed partial class DiscordStandIn
{
    private static readonly string[] RefusedInUsernames = ["clyde", "discord"];
    private static readonly string[] RefusedUsernames = ["everyone", "here"];
    private int _emojiFetches;

    /// <summary>How many times custom emoji images were fetched from the CDN.</summary>
    public int EmojiFetches => _emojiFetches;

    /// <summary>The bytes every custom emoji's image has (<c>emojis/{id}.png</c>; a .gif is the same bytes).</summary>
    public static byte[] EmojiPng => AvatarPng;

    private void MapWebhookDeletion(RouteGroupBuilder api) =>
        api.MapDelete("/webhooks/{webhookId}/{token}", (string webhookId, string token) => Locked(() =>
        {
            if (!State.Webhooks.TryGetValue(webhookId, out var webhook))
            {
                return Error(404, 10015, "Unknown Webhook");
            }

            if (webhook["token"]!.GetValue<string>() != token)
            {
                return Error(401, 50027, "Invalid Webhook Token");
            }

            State.Webhooks.Remove(webhookId);
            return Results.NoContent();
        }));

    /// <summary>Discord's checks on a webhook message's <c>username</c>: 1 to 80 characters, none of "clyde" or
    /// "discord" in it (any case), not "everyone" or "here"; null when it passes (or there is none).</summary>
    public static IResult? UsernameError(string? username)
    {
        if (username is null)
        {
            return null;
        }

        var trimmed = username.Trim();
        if (trimmed.Length is 0 or > 80)
        {
            return Error(400, 50035, "Invalid Form Body: username must be between 1 and 80 in length.");
        }

        if (RefusedInUsernames.FirstOrDefault(word => trimmed.Contains(word, StringComparison.OrdinalIgnoreCase)) is { } refused)
        {
            return Error(400, 50035, $"Invalid Form Body: username cannot contain \"{refused}\".");
        }

        return RefusedUsernames.Contains(trimmed, StringComparer.OrdinalIgnoreCase)
            ? Error(400, 50035, $"Invalid Form Body: username cannot be \"{trimmed}\".")
            : null;
    }

    private IResult GetEmoji(string file)
    {
        var dot = file.LastIndexOf('.');
        if (dot <= 0 || !ulong.TryParse(file[..dot], out _) || file[(dot + 1)..] is not ("png" or "gif" or "webp"))
        {
            return Error(StatusCodes.Status404NotFound, 0, "404: Not Found");
        }

        Interlocked.Increment(ref _emojiFetches);
        return Results.Bytes(EmojiPng, file.EndsWith(".gif", StringComparison.Ordinal) ? "image/gif" : "image/png");
    }
}
