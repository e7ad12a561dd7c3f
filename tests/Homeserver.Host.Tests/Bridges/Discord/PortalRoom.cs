using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Testing;
using static Homeserver.Host.Tests.Bridges.Discord.DiscordBridgeFixture;

namespace Homeserver.Host.Tests.Bridges.Discord;

/// <summary>Another room of Alice's with the bridge bot in it, for tests that link a channel of their own.</summary>
internal sealed class PortalRoom(DiscordBridgeFixture fixture, string roomId)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public string RoomId => roomId;

    /// <summary>Creates the room (with <paramref name="extra"/> in the createRoom body), invites the bot and waits until it joined.</summary>
    public static async Task<PortalRoom> CreateAsync(DiscordBridgeFixture fixture, JsonObject? extra = null)
    {
        var body = new JsonObject { ["preset"] = "private_chat", ["invite"] = new JsonArray("@_discord_bot:localhost") };
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value?.DeepClone();
        }

        var (status, created) = await fixture.Server.PostAsync("/_matrix/client/v3/createRoom", body, fixture.Alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, created.ToString());
        var room = new PortalRoom(fixture, created.GetProperty("room_id").GetString()!);
        await Eventually.HoldsAsync(async () => await room.StateAsync("m.room.member", "@_discord_bot:localhost") is { } member &&
                                                member.TryGetProperty("membership", out var m) && m.GetString() == "join",
            "the bot joined", Patience);
        return room;
    }

    /// <summary>Sends a command as Alice; returns the bot's answer.</summary>
    public async Task<string> CommandAsync(string command)
    {
        var (status, sent) = await fixture.Server.SendAsync(HttpMethod.Put, $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/{Guid.NewGuid():N}",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = command }, fixture.Alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, sent.ToString());
        var commandId = sent.GetProperty("event_id").GetString();
        var answer = await UntilEventAsync(e => ReplyTo(e) == commandId, "the bot's answer to " + command);
        return Body(answer)!;
    }

    /// <summary>The room's latest events, newest first.</summary>
    public async Task<IReadOnlyList<JsonElement>> RecentEventsAsync()
    {
        var (status, page) = await fixture.Server.GetAsync($"/_matrix/client/v3/rooms/{roomId}/messages?dir=b&limit=100", fixture.Alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, page.ToString());
        return [.. page.GetProperty("chunk").EnumerateArray()];
    }

    public async Task<JsonElement> UntilEventAsync(Func<JsonElement, bool> match, string what)
    {
        JsonElement? found = null;
        await Eventually.HoldsAsync(async () => (found = (await RecentEventsAsync()).Where(match).Cast<JsonElement?>().FirstOrDefault()) is not null,
            what, Patience);
        return found!.Value;
    }

    /// <summary>A state event's content as Alice reads it, or null when there is none (or she may not read it).</summary>
    public Task<JsonElement?> StateAsync(string type, string stateKey) => StateOfAsync(fixture, roomId, type, stateKey);

    public static async Task<JsonElement?> StateOfAsync(DiscordBridgeFixture fixture, string roomId, string type, string stateKey)
    {
        var (status, content) = await fixture.Server.GetAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state/{type}/{Uri.EscapeDataString(stateKey)}", fixture.Alice.AccessToken);
        return status == HttpStatusCode.OK && content.ValueKind == JsonValueKind.Object ? content : null;
    }
}
