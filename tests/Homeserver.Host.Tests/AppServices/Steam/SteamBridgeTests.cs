using System.Net;
using System.Text.Json;
using Homeserver.Bridges.Steam.Sync;
using Homeserver.Testing;
using Homeserver.Testing.Steam;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.AppServices.Steam;

/// <summary>
/// The Steam bridge end to end: our homeserver, the bridge as its appservice (acting as linked users through the
/// registration's non-exclusive namespace), and the Steam Web API stand-in.
/// </summary>
public sealed class SteamBridgeTests(SteamBridgeFixture fixture) : IClassFixture<SteamBridgeFixture>
{
    [Fact]
    public async Task A_persona_change_updates_the_linked_users_Matrix_profile()
    {
        var (user, steamId, _) = await fixture.LinkedUserAsync(new StandInPlayer(SteamBridgeFixture.NewSteamId(), "Gordon", AvatarHash: "1111111111111111111111111111111111111111"));
        await Eventually.HoldsAsync(async () => await fixture.ProfileAsync(user.UserId, "displayname") == "Gordon", "the display name is the persona name");
        string? avatar = null;
        await Eventually.HoldsAsync(async () => (avatar = await fixture.ProfileAsync(user.UserId, "avatar_url")) is not null, "the avatar");
        Assert.StartsWith("mxc://localhost/", avatar, StringComparison.Ordinal);

        fixture.Steam.State.UpdatePlayer(steamId, p => p with { PersonaName = "Gordon F.", AvatarHash = "2222222222222222222222222222222222222222" });

        await Eventually.HoldsAsync(async () => await fixture.ProfileAsync(user.UserId, "displayname") == "Gordon F.", "the new persona name");
        await Eventually.HoldsAsync(async () => await fixture.ProfileAsync(user.UserId, "avatar_url") is { } now && now != avatar, "the new avatar");
    }

    [Fact]
    public async Task A_user_who_signed_in_with_steam_is_linked_by_the_bridge_without_a_command()
    {
        var steamId = SteamBridgeFixture.NewSteamId();
        fixture.Steam.State.SetPlayer(new StandInPlayer(steamId, "Kleiner"));
        fixture.SignIn.State.Tickets["0C0FFEE0" + steamId[^4..]] = new SteamTicket(steamId);
        var (status, login) = await fixture.Server.PostAsync("/_matrix/client/v3/login", new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "org.homeserver.login.steam_ticket", ["ticket"] = "0C0FFEE0" + steamId[^4..],
        });
        Assert.Equal(HttpStatusCode.OK, status);
        var userId = login.GetProperty("user_id").GetString()!;
        Assert.Equal("Kleiner", await fixture.ProfileAsync(userId, "displayname"));

        // The homeserver set the name at sign-up; a change on Steam reaches Matrix only through the bridge's link.
        fixture.Steam.State.UpdatePlayer(steamId, p => p with { PersonaName = "Dr. Kleiner" });

        await Eventually.HoldsAsync(async () => await fixture.ProfileAsync(userId, "displayname") == "Dr. Kleiner",
            "the bridge linked the signed-in user and follows their persona name");
    }

    [Fact]
    public async Task Starting_a_game_shows_in_presence_as_Playing_X()
    {
        var (user, steamId, _) = await fixture.LinkedUserAsync(new StandInPlayer(SteamBridgeFixture.NewSteamId(), "Alyx", PersonaState: 3));
        await Eventually.HoldsAsync(async () => await PresenceAsync(user, user.UserId) is ("unavailable", null or ""), "away shows as unavailable");

        fixture.Steam.State.UpdatePlayer(steamId, p => p with { PersonaState = 1, GameExtraInfo = "Half-Life: Alyx", GameId = "546560" });
        await Eventually.HoldsAsync(async () => await PresenceAsync(user, user.UserId) == ("online", "Playing Half-Life: Alyx"), "the game in presence");

        fixture.Steam.State.UpdatePlayer(steamId, p => p with { PersonaState = 0, GameExtraInfo = null });
        await Eventually.HoldsAsync(async () => await PresenceAsync(user, user.UserId) is ("offline", null or ""), "offline again");
    }

    [Fact]
    public async Task The_friend_list_makes_ghosts_and_one_DM_room_each_but_no_ghost_for_a_linked_friend()
    {
        var (friendOnMatrix, linkedFriendId, _) = await fixture.LinkedUserAsync(new StandInPlayer(SteamBridgeFixture.NewSteamId(), "Eli"));
        var ghostFriendId = SteamBridgeFixture.NewSteamId();
        fixture.Steam.State.SetPlayer(new StandInPlayer(ghostFriendId, "Barney", PersonaState: 1, GameExtraInfo: "Half-Life"));
        var steamId = SteamBridgeFixture.NewSteamId();
        fixture.Steam.State.SetPlayer(new StandInPlayer(steamId, "Freeman"));
        fixture.Steam.State.SetFriends(steamId, ghostFriendId, linkedFriendId);
        var (user, _, room) = await fixture.LinkedUserAsync(new StandInPlayer(steamId, "Freeman"));
        var ghost = SteamBridgeFixture.Ghost(ghostFriendId);

        await Eventually.HoldsAsync(async () => await fixture.ProfileAsync(ghost, "displayname") == "Barney", "the ghost with the friend's name");
        string? dmRoom = null;
        await Eventually.HoldsAsync(async () => (dmRoom = await DirectRoomAsync(user, ghost)) is not null, "the DM room in m.direct");
        await Eventually.HoldsAsync(async () => (await fixture.JoinedMembersAsync(user, dmRoom!)).SetEquals([user.UserId, ghost]),
            "the user (double puppeted) and the ghost joined the DM room");
        var (status, create) = await fixture.Server.GetAsync($"/_matrix/client/v3/rooms/{dmRoom}/state/m.room.member/{Uri.EscapeDataString(user.UserId)}", user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("join", create.GetProperty("membership").GetString());
        Assert.Equal(("online", "Playing Half-Life"), await PresenceAsync(user, ghost));
        Assert.Null(await fixture.ProfileAsync(SteamBridgeFixture.Ghost(linkedFriendId), "displayname"));
        Assert.Contains(friendOnMatrix.UserId, await fixture.CommandAsync(user, room, "!steam status", "on Matrix:"), StringComparison.Ordinal);

        await fixture.CommandAsync(user, room, "!steam refresh", "Reading Steam again");
        var polls = Poller.Polls;
        await Eventually.HoldsAsync(() => Task.FromResult(Poller.Polls > polls + 1), "a refresh and another poll");
        Assert.Equal(dmRoom, await DirectRoomAsync(user, ghost));
        var (_, joined) = await fixture.Server.GetAsync("/_matrix/client/v3/joined_rooms", user.AccessToken);
        Assert.Equal(2, joined.GetProperty("joined_rooms").GetArrayLength());
    }

    [Fact]
    public async Task Rate_limits_and_server_errors_are_retried_and_the_bridge_keeps_polling()
    {
        var (user, steamId, _) = await fixture.LinkedUserAsync(new StandInPlayer(SteamBridgeFixture.NewSteamId(), "Kleiner"));
        await Eventually.HoldsAsync(async () => await fixture.ProfileAsync(user.UserId, "displayname") == "Kleiner", "the first name");
        var seen = fixture.Steam.State.Requests.Count;

        fixture.Steam.State.FailNext(2, 429, TimeSpan.FromSeconds(1));
        fixture.Steam.State.FailNext(6, 500);
        fixture.Steam.State.FailNext(1, 503);
        fixture.Steam.State.UpdatePlayer(steamId, p => p with { PersonaName = "Dr. Kleiner" });

        await Eventually.HoldsAsync(async () => await fixture.ProfileAsync(user.UserId, "displayname") == "Dr. Kleiner",
            "the change once Steam answers again", TimeSpan.FromSeconds(30));
        var statuses = fixture.Steam.State.Requests.Skip(seen).Select(r => r.Status).ToList();
        Assert.Equal([429, 429, 500, 500, 500, 500, 500, 500, 503], statuses.Where(s => s != 200).Take(9));
        Assert.Equal(0, fixture.Steam.State.PendingFailures);
        var polls = Poller.Polls;
        await Eventually.HoldsAsync(() => Task.FromResult(Poller.Polls > polls), "the poller still polls");
    }

    private SteamPoller Poller => fixture.Bridge.Services.GetRequiredService<SteamPoller>();

    /// <summary>The presence of <paramref name="userId"/> as <paramref name="viewer"/> (itself, or one sharing a room) sees it.</summary>
    private async Task<(string? Presence, string? StatusMsg)> PresenceAsync(Support.TestSession viewer, string userId)
    {
        var (status, body) = await fixture.Server.GetAsync($"/_matrix/client/v3/presence/{Uri.EscapeDataString(userId)}/status",
            viewer.AccessToken);
        if (status != HttpStatusCode.OK)
        {
            return (null, null);
        }

        return (body.GetProperty("presence").GetString(),
            body.TryGetProperty("status_msg", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : null);
    }

    private async Task<string?> DirectRoomAsync(Support.TestSession user, string ghost)
    {
        var (status, body) = await fixture.Server.GetAsync($"/_matrix/client/v3/user/{Uri.EscapeDataString(user.UserId)}/account_data/m.direct",
            user.AccessToken);
        return status == HttpStatusCode.OK && body.TryGetProperty(ghost, out var rooms) && rooms.GetArrayLength() == 1
            ? rooms[0].GetString()
            : null;
    }
}
