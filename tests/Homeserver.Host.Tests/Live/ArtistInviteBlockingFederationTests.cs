using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Federation;
using Homeserver.Services.Live;

namespace Homeserver.Host.Tests.Live;

/// <summary>Invite/DM blocking for artists holds for invites from other servers too (docs/LIVE.md, "Access").</summary>
public sealed class ArtistInviteBlockingFederationTests
{
    [Fact]
    public async Task An_invite_from_another_server_to_an_artist_in_do_not_disturb_is_refused_with_artist_live()
    {
        await using var cluster = await FederationCluster.StartAsync(2);
        var fan = await cluster[0].RegisterAsync();
        var artist = await cluster[1].RegisterAsync();
        var (status, body) = await cluster[0].PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "public_chat" }, fan.AccessToken);
        Assert.Equal(HttpStatusCode.OK, status);
        var room = Uri.EscapeDataString(body.GetProperty("room_id").GetString()!);
        (status, _) = await cluster[1].SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/user/{Uri.EscapeDataString(artist.UserId)}/account_data/{LiveNames.DoNotDisturb}",
            new JsonObject { ["until"] = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() }, artist.AccessToken);
        Assert.Equal(HttpStatusCode.OK, status);

        (status, body) = await cluster[0].PostAsync($"/_matrix/client/v3/rooms/{room}/invite",
            new JsonObject { ["user_id"] = artist.UserId }, fan.AccessToken);

        Assert.True(status == HttpStatusCode.Forbidden, body.ToString());
        Assert.Equal(LiveNames.ArtistLive.Code, body.GetProperty("errcode").GetString());
    }
}
