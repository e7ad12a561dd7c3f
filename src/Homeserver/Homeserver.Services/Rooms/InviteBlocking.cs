using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Invite blocking (MSC4380): a user whose global <c>m.invite_permission_config</c> account data (or its unstable
/// name) has <c>block_all: true</c> gets no invites: inviting them is 403 with the MSC's error code (unstable
/// <c>ORG.MATRIX.MSC4380.INVITE_BLOCKED</c> for the unstable type), and invites already there are left out of /sync.
/// Read on every /sync pass, so each user's setting is kept in memory until their account data changes (as
/// <see cref="IgnoredUsers"/> does, through <see cref="UserValueCache{T}"/>, on <see cref="Channel"/>).
/// </summary>
public sealed class InviteBlocking(IAccountDataStore accountData, StoredJson storedJson, ISharedStore? shared = null)
    : IAccountDataObserver
{
    public const string StableType = "m.invite_permission_config";
    public const string UnstableType = "org.matrix.msc4380.invite_permission_config";

    public const string Channel = "invite.blocking";

    private readonly UserValueCache<Setting> _settings = new(Channel, IgnoredUsers.Capacity, shared);

    public async Task<bool> BlocksAllAsync(UserId userId, CancellationToken cancellationToken) =>
        await BlockingTypeAsync(userId, cancellationToken) is not null;

    /// <summary>Throws 403 when <paramref name="invitee"/> blocks invites.</summary>
    public async Task EnsureAcceptsInvitesAsync(UserId invitee, CancellationToken cancellationToken)
    {
        var type = await BlockingTypeAsync(invitee, cancellationToken);
        if (type is not null)
        {
            throw new MatrixException(
                new ErrorCode(type == StableType ? "M_INVITE_BLOCKED" : "ORG.MATRIX.MSC4380.INVITE_BLOCKED", 403),
                $"{invitee.Value} does not accept invites");
        }
    }

    public void OnAccountDataChanged(string userId) => _settings.Changed(userId);

    /// <summary>Listens for other processes' account data changes (a no-op store when not shared).</summary>
    public ValueTask<IAsyncDisposable> SubscribeAsync(CancellationToken cancellationToken) =>
        _settings.SubscribeAsync(cancellationToken);

    private async Task<string?> BlockingTypeAsync(UserId userId, CancellationToken cancellationToken)
    {
        if (_settings.TryGetValue(userId.Value, out var known))
        {
            return known.BlockingType;
        }

        var before = _settings.VersionOf(userId.Value);
        string? blocking = null;
        foreach (var type in new[] { StableType, UnstableType })
        {
            var stored = await accountData.GetAsync(userId, null, type, cancellationToken);
            if (stored is not null &&
                storedJson.ParseObject(stored, "account data", type, userId.Value) is { } content &&
                content["block_all"] is JsonValue blockAll && blockAll.TryGetValue<bool>(out var value) && value)
            {
                blocking = type;
                break;
            }
        }

        _settings.Keep(userId.Value, new Setting(blocking), before);
        return blocking;
    }

    private sealed record Setting(string? BlockingType);
}
