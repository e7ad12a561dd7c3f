using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Edus;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Keys;

/// <summary>
/// PUT /sendToDevice: stores one message per recipient device of a local user, idempotent per sending device and
/// transaction ID, and wakes the recipients' syncs after commit; messages to other servers' users go out as one
/// <c>m.direct_to_device</c> EDU per server, the first time the transaction is seen.
/// </summary>
public sealed class ToDeviceService(IToDeviceStore store, SyncNotifier notifier, HomeserverSettings settings,
    TimeProvider time, FederationEdus? federation = null)
{
    public async Task SendAsync(Requester requester, string eventType, string txnId, JsonElement body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var recipients = ParseMessages(body);
        var byServer = recipients.ToLookup(r => UserId.Parse(r.UserId).Domain);
        var local = byServer[settings.ServerName].ToList();
        if (!await StoreAsync(TransactionScope.Of(requester), txnId, eventType, local, cancellationToken))
        {
            return;
        }

        if (federation is null)
        {
            return;
        }

        foreach (var remote in byServer.Where(group => group.Key != settings.ServerName))
        {
            await federation.ToServersAsync([remote.Key], EduTypes.DirectToDevice,
                FederatedMessages(requester.UserId.Value, eventType, remote), cancellationToken);
        }
    }

    /// <summary>An <c>m.direct_to_device</c> EDU's messages to this server's users (already checked), once per
    /// sender and <c>message_id</c>.</summary>
    public Task ReceiveRemoteAsync(string sender, string eventType, string messageId,
        IReadOnlyList<ToDeviceRecipient> recipients, CancellationToken cancellationToken) =>
        StoreAsync(TransactionScope.Remote(sender), messageId, eventType,
            recipients.Where(r => UserId.Parse(r.UserId).Domain == settings.ServerName).ToList(), cancellationToken);

    private async Task<bool> StoreAsync(TransactionScope scope, string txnId, string eventType,
        List<ToDeviceRecipient> local, CancellationToken cancellationToken)
    {
        if (!await store.SendAsync(scope, txnId, eventType, local,
                time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
        {
            return false;
        }

        foreach (var userId in local.Select(r => r.UserId).Distinct(StringComparer.Ordinal))
        {
            notifier.NotifyUser(userId);
        }

        return true;
    }

    private static JsonObject FederatedMessages(string sender, string eventType, IEnumerable<ToDeviceRecipient> remote)
    {
        var messages = new JsonObject();
        foreach (var recipient in remote)
        {
            var devices = (messages[recipient.UserId] ??= new JsonObject()).AsObject();
            devices[recipient.DeviceId] = JsonNode.Parse(recipient.Content);
        }

        return new JsonObject
        {
            ["sender"] = sender,
            ["type"] = eventType,
            ["message_id"] = Guid.NewGuid().ToString("N"),
            ["messages"] = messages,
        };
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
