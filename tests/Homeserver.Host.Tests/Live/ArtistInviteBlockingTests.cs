using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Live;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Live;

/// <summary>
/// Invite/DM blocking for artists while live (docs/LIVE.md, "Access"): inside a room's schedule naming them, or before
/// their do_not_disturb's until, invites to them are 403 ORG.HOMESERVER.LIVE.ARTIST_LIVE, except from server admins
/// and (for a schedule) that room's moderators; createRoom naming them is refused before any room is made.
/// </summary>
public sealed class ArtistInviteBlockingTests(LiveClockServerFixture fixture) : IClassFixture<LiveClockServerFixture>
{
    private const string ArtistLive = "ORG.HOMESERVER.LIVE.ARTIST_LIVE";

    private LiveServer Server => fixture.Server;

    private ManualClock Clock => fixture.Clock;

    private long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public async Task Invites_to_an_artist_are_refused_from_the_start_of_their_set_until_its_end()
    {
        var (_, artist, _) = await StageWithArtistAsync(startsInMinutes: 60, lastsMinutes: 60);
        var fan = await Server.RegisterAsync();

        await fan.InviteAsync(await fan.CreateRoomAsync(), artist.UserId); // an hour before: fine

        Clock.Advance(TimeSpan.FromMinutes(60)); // starts_at exactly
        await MatrixAssert.ErrorAsync(await TryInviteAsync(fan, await fan.CreateRoomAsync(), artist),
            HttpStatusCode.Forbidden, ArtistLive);
        Clock.Advance(TimeSpan.FromMinutes(59));
        await MatrixAssert.ErrorAsync(await TryInviteAsync(fan, await fan.CreateRoomAsync(), artist),
            HttpStatusCode.Forbidden, ArtistLive);

        Clock.Advance(TimeSpan.FromMinutes(1)); // ends_at exactly: over
        await fan.InviteAsync(await fan.CreateRoomAsync(), artist.UserId);
    }

    [Fact]
    public async Task A_direct_chat_with_an_artist_on_stage_is_refused_before_any_room_is_made()
    {
        var (_, artist, _) = await StageWithArtistAsync(startsInMinutes: 0, lastsMinutes: 30);
        var fan = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await fan.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom", new JsonObject
        {
            ["is_direct"] = true, ["preset"] = "trusted_private_chat",
            ["invite"] = new JsonArray(artist.UserId),
        }), HttpStatusCode.Forbidden, ArtistLive);

        Assert.Empty((await fan.GetJsonAsync("/_matrix/client/v3/joined_rooms")).GetProperty("joined_rooms")
            .EnumerateArray());
        Clock.Advance(TimeSpan.FromMinutes(30));
        await fan.CreateRoomAsync(new JsonObject { ["is_direct"] = true, ["invite"] = new JsonArray(artist.UserId) });
    }

    [Fact]
    public async Task Server_admins_and_the_stage_rooms_moderators_may_invite_an_artist_on_stage_but_others_may_not()
    {
        var (organiser, artist, stage) = await StageWithArtistAsync(startsInMinutes: 0, lastsMinutes: 30);
        var admin = await Server.RegisterAdminAsync();
        var member = await Server.RegisterAsync();
        await member.JoinAsync(stage);

        await admin.InviteAsync(await admin.CreateRoomAsync(), artist.UserId);
        await organiser.InviteAsync(await organiser.CreateRoomAsync(), artist.UserId);
        await organiser.CreateRoomAsync(new JsonObject { ["is_direct"] = true, ["invite"] = new JsonArray(artist.UserId) });

        // Moderating one's own room does not count, nor does being a plain member of the stage.
        await MatrixAssert.ErrorAsync(await TryInviteAsync(member, await member.CreateRoomAsync(), artist),
            HttpStatusCode.Forbidden, ArtistLive);
    }

    [Fact]
    public async Task Do_not_disturb_refuses_invites_until_its_end_except_from_server_admins()
    {
        var artist = await Server.RegisterAsync();
        var fan = await Server.RegisterAsync();
        var admin = await Server.RegisterAdminAsync();
        await MatrixAssert.OkAsync(await artist.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/user/{RoomSteps.Escape(artist.UserId)}/account_data/{LiveNames.DoNotDisturb}",
            new JsonObject { ["until"] = NowMs + (long)TimeSpan.FromMinutes(45).TotalMilliseconds }));

        await MatrixAssert.ErrorAsync(await TryInviteAsync(fan, await fan.CreateRoomAsync(), artist),
            HttpStatusCode.Forbidden, ArtistLive);
        await MatrixAssert.ErrorAsync(await fan.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom",
                new JsonObject { ["is_direct"] = true, ["invite"] = new JsonArray(artist.UserId) }),
            HttpStatusCode.Forbidden, ArtistLive);
        await admin.InviteAsync(await admin.CreateRoomAsync(), artist.UserId);

        Clock.Advance(TimeSpan.FromMinutes(45));
        await fan.InviteAsync(await fan.CreateRoomAsync(), artist.UserId);
    }

    [Fact]
    public async Task A_schedule_blocks_only_the_artists_it_names_and_only_while_they_are_in_its_room()
    {
        var (_, artist, stage) = await StageWithArtistAsync(startsInMinutes: 0, lastsMinutes: 30);
        var bandmate = await Server.RegisterAsync();
        await bandmate.JoinAsync(stage);
        var fan = await Server.RegisterAsync();

        await fan.InviteAsync(await fan.CreateRoomAsync(), bandmate.UserId); // in the room, not named
        await MatrixAssert.ErrorAsync(await TryInviteAsync(fan, await fan.CreateRoomAsync(), artist),
            HttpStatusCode.Forbidden, ArtistLive);

        await artist.LeaveAsync(stage);
        await fan.InviteAsync(await fan.CreateRoomAsync(), artist.UserId);
    }

    [Fact]
    public async Task A_schedule_whose_times_are_not_numbers_blocks_nobody()
    {
        var organiser = await Server.RegisterAsync();
        var artist = await Server.RegisterAsync();
        var stage = await organiser.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await artist.JoinAsync(stage);
        await organiser.SetStateAsync(stage, LiveNames.Schedule, "", new JsonObject
        {
            ["starts_at"] = "now", ["ends_at"] = NowMs + 60_000, ["artists"] = new JsonArray(artist.UserId),
        });
        var fan = await Server.RegisterAsync();

        await fan.InviteAsync(await fan.CreateRoomAsync(), artist.UserId);
    }

    /// <summary>A public stage room whose schedule names a new artist, who joined it; the organiser created it.</summary>
    private async Task<(TestSession Organiser, TestSession Artist, string Stage)> StageWithArtistAsync(
        int startsInMinutes, int lastsMinutes)
    {
        var organiser = await Server.RegisterAsync();
        var artist = await Server.RegisterAsync();
        var stage = await organiser.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await artist.JoinAsync(stage);
        var startsAt = NowMs + (long)TimeSpan.FromMinutes(startsInMinutes).TotalMilliseconds;
        await organiser.SetStateAsync(stage, LiveNames.Schedule, "", new JsonObject
        {
            ["starts_at"] = startsAt,
            ["ends_at"] = startsAt + (long)TimeSpan.FromMinutes(lastsMinutes).TotalMilliseconds,
            ["opens_before_minutes"] = 15,
            ["artists"] = new JsonArray(artist.UserId),
        });
        return (organiser, artist, stage);
    }

    private static Task<HttpResponseMessage> TryInviteAsync(TestSession inviter, string roomId, TestSession invitee) =>
        inviter.PostRoomAsync(roomId, "invite", new JsonObject { ["user_id"] = invitee.UserId });
}
