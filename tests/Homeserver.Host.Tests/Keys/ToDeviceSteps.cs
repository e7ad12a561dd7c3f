using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Keys;

/// <summary>Send-to-device steps and reading <c>to_device</c> out of a sync.</summary>
public static class ToDeviceSteps
{
    public static Task<HttpResponseMessage> TrySendToDeviceAsync(this TestSession session, string type,
        JsonObject body, string? txnId = null) =>
        session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/sendToDevice/{RoomSteps.Escape(type)}/{txnId ?? Guid.NewGuid().ToString("N")}", body);

    /// <summary>Sends <paramref name="content"/> to one device (or "*") of <paramref name="userId"/>.</summary>
    public static async Task SendToDeviceAsync(this TestSession session, string userId, string deviceId,
        JsonObject content, string type = "m.test", string? txnId = null) =>
        await MatrixAssert.OkAsync(await session.TrySendToDeviceAsync(type, Messages(userId, deviceId, content), txnId));

    public static JsonObject Messages(string userId, string deviceId, JsonObject content) => new()
    {
        ["messages"] = new JsonObject { [userId] = new JsonObject { [deviceId] = content } },
    };

    public static List<JsonElement> ToDeviceEvents(this JsonElement sync) =>
        sync.GetProperty("to_device").GetProperty("events").EnumerateArray().ToList();

    /// <summary>The <c>n</c> field of each to-device event's content (the tests number their messages).</summary>
    public static List<int> Numbers(this JsonElement sync) =>
        sync.ToDeviceEvents().Select(e => e.GetProperty("content").GetProperty("n").GetInt32()).ToList();
}
