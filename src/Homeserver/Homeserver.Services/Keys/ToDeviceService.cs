using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Keys;

/// <summary>
/// PUT /sendToDevice: stores one message per recipient device (local users; others are left out until federation
/// exists), idempotent per sending device and transaction ID, and wakes the recipients' syncs after commit.
/// </summary>
public sealed class ToDeviceService(IToDeviceStore store, SyncNotifier notifier, HomeserverSettings settings,
    TimeProvider time)
{
    public async Task SendAsync(Requester requester, string eventType, string txnId, JsonElement body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var recipients = ParseMessages(body);
        var local = recipients.Where(r => UserId.Parse(r.UserId).Domain == settings.ServerName).ToList();
        // No federation yet: messages to other servers' users are dropped (they will go out as m.direct_to_device).
        if (await store.SendAsync(requester.UserId.Value, requester.DeviceId, txnId, eventType, local,
                time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
        {
            foreach (var userId in local.Select(r => r.UserId).Distinct(StringComparer.Ordinal))
            {
                notifier.NotifyUser(userId);
            }
        }
    }

    /// <summary>Reads <c>messages: {userId: {deviceId or "*": content}}</c>.</summary>
    private static List<ToDeviceRecipient> ParseMessages(JsonElement body)
    {
        if (!body.TryGetProperty("messages", out var messages))
        {
            throw new MatrixException(ErrorCode.MissingParam, "'messages' is required");
        }

        if (messages.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, "'messages' must be an object");
        }

        var recipients = new List<ToDeviceRecipient>();
        foreach (var user in messages.EnumerateObject())
        {
            if (!UserId.TryParse(user.Name, out _, out var error))
            {
                throw new MatrixException(ErrorCode.InvalidParam, $"'{user.Name}' is not a user ID: {error}");
            }

            if (user.Value.ValueKind != JsonValueKind.Object)
            {
                throw new MatrixException(ErrorCode.BadJson, $"'messages.{user.Name}' must be an object");
            }

            foreach (var device in user.Value.EnumerateObject())
            {
                if (device.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new MatrixException(ErrorCode.BadJson,
                        $"The message to {user.Name} {device.Name} must be an object");
                }

                recipients.Add(new ToDeviceRecipient(user.Name, device.Name, device.Value.GetRawText()));
            }
        }

        return recipients;
    }
}
