using System.Text.Json;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Keys;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Edus;

/// <summary>
/// Inbound <c>m.direct_to_device</c> (server-server API, "Send-to-device messaging"): <c>{sender, type, message_id,
/// messages: {user_id: {device_id or "*": content}}}</c>, from one of the origin's users to this server's users,
/// delivered once per sender and <c>message_id</c>.
/// </summary>
public sealed class ToDeviceEduHandler(ToDeviceService toDevice, ILogger<ToDeviceEduHandler> logger) : IEduHandler
{
    public string EduType => EduTypes.DirectToDevice;

    public async Task HandleAsync(ServerName origin, JsonElement content, CancellationToken cancellationToken)
    {
        var sender = RemoteEduSender.StringProperty(content, "sender");
        var type = RemoteEduSender.StringProperty(content, "type");
        var messageId = RemoteEduSender.StringProperty(content, "message_id");
        if (!RemoteEduSender.IsOfOrigin(sender, origin) || string.IsNullOrEmpty(type) || string.IsNullOrEmpty(messageId) ||
            !content.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Object)
        {
            EduLog.Ignored(logger, EduType, origin, sender, "malformed, or another server's user");
            return;
        }

        var recipients = new List<ToDeviceRecipient>();
        foreach (var user in messages.EnumerateObject())
        {
            if (!UserId.TryParse(user.Name, out _, out _) || user.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            recipients.AddRange(user.Value.EnumerateObject()
                .Where(device => device.Value.ValueKind == JsonValueKind.Object)
                .Select(device => new ToDeviceRecipient(user.Name, device.Name, device.Value.GetRawText())));
        }

        await toDevice.ReceiveRemoteAsync(sender!, type!, messageId!, recipients, cancellationToken);
    }
}
