using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Keys.Dehydration;

/// <summary>
/// Dehydrated devices (MSC3814, as matrix-js-sdk's Rust crypto uses them): a device the user's clients create with
/// its keys in one PUT, that receives to-device messages while every real device is offline, and whose messages a
/// new device of the user fetches (paged) when it rehydrates it. A new one replaces the previous one.
/// </summary>
public sealed class DehydratedDeviceService(IDehydratedDeviceStore store, IDeviceKeyStore keys,
    IToDeviceStore toDevice, IEnumerable<IDeviceListObserver> deviceObservers, StoredJson storedJson,
    TimeProvider clock)
{
    public const int DefaultEventLimit = 100;
    private const int MaxEventLimit = 1000;

    public async Task<JsonObject> GetAsync(Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var userId = requester.UserId.Value;
        var device = await store.GetAsync(userId, cancellationToken) ?? throw NoDevice();
        return new JsonObject
        {
            ["device_id"] = device.DeviceId,
            ["device_data"] = storedJson.ParseObject(device.DeviceData, "dehydrated device data", device.DeviceId,
                userId) ?? new JsonObject(),
        };
    }

    /// <summary>PUT: <c>device_id</c>, <c>device_data</c> (an object with an <c>algorithm</c>), the device's
    /// <c>device_keys</c> (required, self-signed by it) and optional <c>one_time_keys</c>, <c>fallback_keys</c> and
    /// <c>initial_device_display_name</c>.</summary>
    public async Task<JsonObject> PutAsync(Requester requester, JsonElement body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var userId = requester.UserId.Value;
        var deviceId = RequiredString(body, "device_id");
        if (!body.TryGetProperty("device_data", out var data) || data.ValueKind != JsonValueKind.Object ||
            !data.TryGetProperty("algorithm", out var algorithm) || algorithm.ValueKind != JsonValueKind.String)
        {
            throw new MatrixException(ErrorCode.BadJson, "'device_data' must be an object with a string 'algorithm'");
        }

        if (!body.TryGetProperty("device_keys", out var uploadedKeys))
        {
            throw new MatrixException(ErrorCode.MissingParam, "'device_keys' is required");
        }

        var deviceKeys = KeyJson.ReadDeviceKeys(uploadedKeys, userId, deviceId);
        var oneTimeKeys = KeyJson.ReadKeyMap(body, "one_time_keys");
        var fallbackKeys = KeyJson.ReadKeyMap(body, "fallback_keys");
        var displayName = OptionalString(body, "initial_device_display_name");
        if (displayName is { Length: > DeviceService.MaxDisplayNameLength })
        {
            throw new MatrixException(ErrorCode.TooLarge,
                $"A device display name is at most {DeviceService.MaxDisplayNameLength} characters", 400);
        }

        var outcome = await store.PutAsync(userId, deviceId, data.GetRawText(), displayName,
            clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        if (outcome == DehydratedDevicePut.DeviceIdTaken)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "Another device of this user has this device ID");
        }

        await keys.SetDeviceKeysAsync(userId, deviceId, deviceKeys, cancellationToken);
        if (oneTimeKeys.Count > 0 &&
            await keys.AddOneTimeKeysAsync(userId, deviceId, oneTimeKeys, cancellationToken) is { } conflict)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"One-time key {conflict} is given twice");
        }

        if (fallbackKeys.Count > 0)
        {
            await keys.SetFallbackKeysAsync(userId, deviceId, fallbackKeys, cancellationToken);
        }

        await deviceObservers.NotifyAsync(requester.UserId, cancellationToken);
        return new JsonObject { ["device_id"] = deviceId };
    }

    public async Task<JsonObject> DeleteAsync(Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var deviceId = await store.DeleteAsync(requester.UserId.Value, cancellationToken) ?? throw NoDevice();
        await deviceObservers.NotifyAsync(requester.UserId, cancellationToken);
        return new JsonObject { ["device_id"] = deviceId };
    }

    /// <summary>
    /// The dehydrated device's to-device messages after <paramref name="from"/> (a <c>next_batch</c> given before;
    /// the messages up to it are deleted), oldest first; <c>next_batch</c> is there only while more are left, or
    /// always when <paramref name="alwaysNextBatch"/> (the MSC's earlier POST form, whose clients stop at an empty page).
    /// </summary>
    public async Task<JsonObject> GetEventsAsync(Requester requester, string deviceId, string? from, string? limit,
        bool alwaysNextBatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var userId = requester.UserId.Value;
        var device = await store.GetAsync(userId, cancellationToken);
        if (device is null || device.DeviceId != deviceId)
        {
            throw new MatrixException(ErrorCode.Forbidden, "This is not the user's dehydrated device");
        }

        var since = ParseNumber(from, "from", 0);
        var count = (int)Math.Min(ParseNumber(limit, "limit", DefaultEventLimit), MaxEventLimit);
        var upTo = await toDevice.GetPositionAsync(cancellationToken);
        var messages = await toDevice.AcknowledgeAndReadAsync(userId, deviceId, since, upTo, count + 1,
            cancellationToken);
        var delivered = messages.Take(count).ToList();
        var events = new JsonArray();
        foreach (var message in delivered)
        {
            if (storedJson.ParseObject(message.Content, "to-device message", message.Type, userId) is { } content)
            {
                events.Add(new JsonObject { ["sender"] = message.Sender, ["type"] = message.Type, ["content"] = content });
            }
        }

        var response = new JsonObject { ["events"] = events };
        if (messages.Count > count || alwaysNextBatch)
        {
            var last = delivered.Count > 0 ? delivered[^1].StreamId : since;
            response["next_batch"] = last.ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    private static MatrixException NoDevice() => new(ErrorCode.NotFound, "No dehydrated device");

    private static long ParseNumber(string? value, string name, long absent)
    {
        if (value is null)
        {
            return absent;
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) &&
               (name != "limit" || number > 0)
            ? number
            : throw new MatrixException(ErrorCode.InvalidParam, $"'{name}' must be a positive number");
    }

    private static string RequiredString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String &&
        value.GetString() is { Length: > 0 } text
            ? text
            : throw new MatrixException(ErrorCode.BadJson, $"'{name}' must be a non-empty string");

    private static string? OptionalString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new MatrixException(ErrorCode.BadJson, $"'{name}' must be a string");
    }
}
