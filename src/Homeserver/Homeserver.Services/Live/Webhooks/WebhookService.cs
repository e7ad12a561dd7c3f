using System.Text;
using System.Text.RegularExpressions;
using Homeserver.Core.Auth;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Live.Webhooks;

/// <summary>
/// Making, listing and revoking a room's incoming webhooks (docs/LIVE.md, "Webhooks"), by its moderators. Each webhook
/// posts as its own local bot user, <c>@_live_webhook_ID</c>, made without a password (nobody can log in as it), whose
/// display name and avatar are the webhook's; the moderator invites it when the room is not public, and it joins
/// like any user. Revoking stops its posts and makes the bot leave.
/// </summary>
public sealed partial class WebhookService(
    ILiveWebhookStore store,
    IAccountStore accounts,
    IProfileStore profiles,
    MembershipService memberships,
    RoomWriter writer,
    HomeserverSettings settings,
    TimeProvider time)
{
    public const int MaxNameBytes = 256;

    /// <summary>The device every webhook bot acts from: its transaction IDs are scoped to it.</summary>
    public const string BotDeviceId = "LIVE_WEBHOOK";

    /// <summary>The requester a webhook's bot acts as.</summary>
    public static Requester BotRequester(string botUserId) =>
        new(UserId.Parse(botUserId), BotDeviceId, IsGuest: false, IsAdmin: false, AccessTokenId: null);

    public async Task<CreatedWebhook> CreateAsync(Requester requester, string roomId, string? name, string? avatarUrl,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var validName = ValidateName(name);
        if (avatarUrl is not null && !MxcUri().IsMatch(avatarUrl))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "avatar_url must be an mxc:// URI");
        }

        var head = await RequireModeratorAsync(requester, roomId, cancellationToken);
        var webhookId = WebhookTokens.NewWebhookId();
        var bot = UserId.Parse($"@{LiveNames.WebhookBotPrefix}{webhookId}:{settings.ServerName.Value}");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var outcome = await accounts.RegisterAsync(new NewAccount(bot, null, false, false, validName), null, null, now,
            cancellationToken);
        if (outcome != RegistrationOutcome.Created)
        {
            throw new MatrixException(ErrorCode.Unknown, "The webhook's bot user could not be made; try again", 500);
        }

        if (avatarUrl is not null)
        {
            await profiles.UpdateAsync(bot, profile => profile with { AvatarUrl = avatarUrl }, cancellationToken);
        }

        if (head.Get(EventTypes.JoinRules, "")?.ContentString("join_rule") != "public")
        {
            await memberships.InviteAsync(requester, roomId, bot.Value, null, cancellationToken);
        }

        await memberships.JoinAsync(BotRequester(bot.Value), roomId, null, cancellationToken);
        var token = WebhookTokens.NewToken();
        var webhook = new LiveWebhook(webhookId, roomId, validName, avatarUrl, bot.Value, WebhookTokens.Hash(token),
            requester.UserId.Value, now, RevokedTs: null);
        await store.InsertAsync(webhook, cancellationToken);
        return new CreatedWebhook(webhook, token);
    }

    public async Task<IReadOnlyList<LiveWebhook>> ListAsync(Requester requester, string roomId,
        CancellationToken cancellationToken)
    {
        await RequireModeratorAsync(requester, roomId, cancellationToken);
        return await store.ListActiveAsync(roomId, cancellationToken);
    }

    public async Task RevokeAsync(Requester requester, string roomId, string webhookId,
        CancellationToken cancellationToken)
    {
        await RequireModeratorAsync(requester, roomId, cancellationToken);
        var webhook = await store.GetAsync(webhookId, cancellationToken);
        if (webhook is null || webhook.RoomId != roomId ||
            !await store.RevokeAsync(roomId, webhookId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
        {
            throw new MatrixException(ErrorCode.NotFound, "This room has no such webhook");
        }

        var head = await writer.GetHeadAsync(roomId, cancellationToken);
        if (head?.Get(EventTypes.Member, webhook.BotUserId)?.Membership is Memberships.Join or Memberships.Invite)
        {
            await memberships.LeaveAsync(BotRequester(webhook.BotUserId), roomId, null, cancellationToken);
        }
    }

    /// <summary>The room's head, when <paramref name="requester"/> is joined to it and moderates it.</summary>
    private async Task<RoomHead> RequireModeratorAsync(Requester requester, string roomId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var head = await writer.GetHeadAsync(roomId, cancellationToken)
                   ?? throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        var user = requester.UserId.Value;
        if (head.Get(EventTypes.Member, user)?.Membership != Memberships.Join ||
            !LiveModerators.IsModerator(RoomPowerLevels.For(head.RoomState, head.Version), user))
        {
            throw new MatrixException(ErrorCode.Forbidden, "Only the room's moderators manage its webhooks");
        }

        return head;
    }

    private static string ValidateName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new MatrixException(ErrorCode.MissingParam, "'name' is required (the bot's display name)");
        }

        if (Encoding.UTF8.GetByteCount(trimmed) > MaxNameBytes)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"'name' is longer than {MaxNameBytes} bytes");
        }

        return trimmed;
    }

    [GeneratedRegex("^mxc://[A-Za-z0-9.:\\[\\]-]+/[A-Za-z0-9_-]+$")]
    private static partial Regex MxcUri();
}
