using System.Text.Json;
using Homeserver.Core.AppServices;

namespace Homeserver.Services.AppServices.Push;

/// <summary>
/// The body of <c>PUT /_matrix/app/v1/transactions/{txnId}</c>: <c>events</c> (client format), and when the appservice
/// asked for them <c>ephemeral</c> (with MSC2409's unstable name beside it) and MSC3202's
/// <c>org.matrix.msc3202.device_lists</c>, <c>org.matrix.msc3202.device_one_time_keys_count</c> (and its older name
/// <c>device_one_time_key_counts</c>) and <c>org.matrix.msc3202.device_unused_fallback_key_types</c>.
/// </summary>
public static class AppServiceTransactionBody
{
    public static byte[] Build(AppServiceRegistration appService, IReadOnlyList<AppServiceItem> items,
        IReadOnlyList<AppServiceDeviceKeys> deviceKeys)
    {
        ArgumentNullException.ThrowIfNull(appService);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(deviceKeys);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("events");
            WriteRaw(writer, items, AppServiceItemKinds.Event);
            writer.WriteEndArray();
            if (appService.ReceiveEphemeral && items.Any(i => i.Kind == AppServiceItemKinds.Ephemeral))
            {
                foreach (var name in new[] { "ephemeral", "de.sorunome.msc2409.ephemeral" })
                {
                    writer.WriteStartArray(name);
                    WriteRaw(writer, items, AppServiceItemKinds.Ephemeral);
                    writer.WriteEndArray();
                }
            }

            if (appService.DeviceMasquerading)
            {
                WriteDeviceLists(writer, items);
                WriteDeviceKeys(writer, deviceKeys);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteRaw(Utf8JsonWriter writer, IReadOnlyList<AppServiceItem> items, string kind)
    {
        foreach (var item in items.Where(i => i.Kind == kind))
        {
            writer.WriteRawValue(item.Content, skipInputValidation: true);
        }
    }

    private static void WriteDeviceLists(Utf8JsonWriter writer, IReadOnlyList<AppServiceItem> items)
    {
        // A user's latest change decides: changed after left means changed again, and the reverse.
        var latest = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items.Where(i => i.Kind is AppServiceItemKinds.DeviceListChanged or AppServiceItemKinds.DeviceListLeft))
        {
            latest[item.Content] = item.Kind;
        }

        writer.WriteStartObject("org.matrix.msc3202.device_lists");
        foreach (var (name, kind) in new[] { ("changed", AppServiceItemKinds.DeviceListChanged), ("left", AppServiceItemKinds.DeviceListLeft) })
        {
            writer.WriteStartArray(name);
            foreach (var user in latest.Where(l => l.Value == kind).Select(l => l.Key).Order(StringComparer.Ordinal))
            {
                writer.WriteStringValue(user);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteDeviceKeys(Utf8JsonWriter writer, IReadOnlyList<AppServiceDeviceKeys> deviceKeys)
    {
        foreach (var name in new[] { "org.matrix.msc3202.device_one_time_keys_count", "org.matrix.msc3202.device_one_time_key_counts" })
        {
            WritePerDevice(writer, name, deviceKeys, device =>
            {
                writer.WriteStartObject();
                foreach (var (algorithm, count) in device.OneTimeKeyCounts.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    writer.WriteNumber(algorithm, count);
                }

                writer.WriteEndObject();
            });
        }

        WritePerDevice(writer, "org.matrix.msc3202.device_unused_fallback_key_types", deviceKeys, device =>
        {
            writer.WriteStartArray();
            foreach (var algorithm in device.UnusedFallbackAlgorithms)
            {
                writer.WriteStringValue(algorithm);
            }

            writer.WriteEndArray();
        });
    }

    private static void WritePerDevice(Utf8JsonWriter writer, string name, IReadOnlyList<AppServiceDeviceKeys> deviceKeys,
        Action<AppServiceDeviceKeys> writeDevice)
    {
        writer.WriteStartObject(name);
        foreach (var user in deviceKeys.GroupBy(d => d.UserId, StringComparer.Ordinal))
        {
            writer.WriteStartObject(user.Key);
            foreach (var device in user)
            {
                writer.WritePropertyName(device.DeviceId);
                writeDevice(device);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
