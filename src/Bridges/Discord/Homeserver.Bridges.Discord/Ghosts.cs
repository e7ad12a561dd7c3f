using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Models;

using Homeserver.Bridges.Discord.Formatting;

namespace Homeserver.Bridges.Discord;

/// <summary>Discord users as Matrix ghosts <c>@_discord_{userId}</c>, with their Discord name and avatar.</summary>
public sealed partial class Ghosts(Intents intents, DiscordMedia media, ILogger<Ghosts> logger)
{
    public const string LocalpartPrefix = "_discord_";

    public Intent For(Snowflake userId) => intents.ForLocalpart(LocalpartPrefix + userId);

    /// <summary>The Discord user a Matrix user ID is the ghost of, or null (anyone else, or another server's).</summary>
    public string? DiscordIdOf(string matrixUserId)
    {
        var prefix = "@" + LocalpartPrefix;
        var suffix = ":" + intents.Identity.ServerName;
        if (!matrixUserId.StartsWith(prefix, StringComparison.Ordinal) || !matrixUserId.EndsWith(suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var id = matrixUserId[prefix.Length..^suffix.Length];
        return Snowflake.TryParse(id, out var snowflake) && snowflake.ToString() == id ? id : null;
    }

    /// <summary>The ghost a Discord mention of <paramref name="discordUserId"/> points at, named as the message's
    /// mention list has it (the ID when the list does not have it).</summary>
    public MentionedUser? Mentioned(string discordUserId, IReadOnlyList<DiscordUser>? mentions) =>
        Snowflake.TryParse(discordUserId, out var id)
            ? new MentionedUser(For(id).UserId,
                mentions?.FirstOrDefault(u => u.Id == id)?.DisplayName ?? discordUserId)
            : null;

    /// <summary>The ghost of <paramref name="user"/>, its display name and avatar brought up to date (each set only
    /// when it changed; an avatar that cannot be fetched leaves the old one).</summary>
    public async Task<Intent> EnsureAsync(DiscordUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var ghost = For(user.Id);
        await ghost.SetDisplayNameAsync(user.DisplayName, cancellationToken);
        try
        {
            if (await media.AvatarAsync(user, ghost, cancellationToken) is { } mxc)
            {
                await ghost.SetAvatarUrlAsync(mxc, cancellationToken);
            }
        }
        catch (Exception e) when (e is HttpRequestException or MatrixApiException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogAvatarFailed(logger, e, user.Id.ToString());
        }

        return ghost;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not bridge the avatar of Discord user {UserId}")]
    private static partial void LogAvatarFailed(ILogger logger, Exception exception, string userId);
}
