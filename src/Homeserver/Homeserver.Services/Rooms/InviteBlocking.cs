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
/// </summary>
public sealed class InviteBlocking(IAccountDataStore accountData, StoredJson storedJson)
{
    public const string StableType = "m.invite_permission_config";
    public const string UnstableType = "org.matrix.msc4380.invite_permission_config";

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

    private async Task<string?> BlockingTypeAsync(UserId userId, CancellationToken cancellationToken)
    {
        foreach (var type in new[] { StableType, UnstableType })
        {
            var stored = await accountData.GetAsync(userId, null, type, cancellationToken);
            if (stored is not null &&
                storedJson.ParseObject(stored, "account data", type, userId.Value) is { } content &&
                content["block_all"] is JsonValue blockAll && blockAll.TryGetValue<bool>(out var value) && value)
            {
                return type;
            }
        }

        return null;
    }
}
