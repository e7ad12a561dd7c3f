using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Testing.Steam;

namespace Homeserver.Host.Tests.Accounts;

/// <summary>The game-client login (<c>org.homeserver.login.steam_ticket</c>) and the external ID links bridges poll.</summary>
public sealed class SteamTicketLoginTests
{
    private const string Login = "/_matrix/client/v3/login";
    private const string ExternalIds = "/_matrix/client/unstable/org.homeserver.sso/external_ids";

    private static JsonObject Ticket(string ticket) => new()
    {
        ["type"] = "org.homeserver.login.steam_ticket", ["ticket"] = ticket,
    };

    [Fact]
    public async Task A_ticket_steam_accepts_logs_into_the_account_linked_to_its_steam_id()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        sso.Personas["76561198000000010"] = "Ticket Player";
        sso.Steam.State.Tickets["14000000AABBCCDD"] = new SteamTicket("76561198000000010");
        sso.Steam.State.LoggedInSteamId = "76561198000000010";

        var (status, first) = await sso.Server.PostAsync(Login, Ticket("14000000aabbccdd"));
        var (_, viaBrowser) = await sso.TokenLoginAsync(await sso.LoginTokenAsync());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("@ticket_player:localhost", first.GetProperty("user_id").GetString());
        Assert.Equal("@ticket_player:localhost", viaBrowser.GetProperty("user_id").GetString());
        var (whoami, _) = await sso.Server.GetAsync("/_matrix/client/v3/account/whoami",
            first.GetProperty("access_token").GetString());
        Assert.Equal(HttpStatusCode.OK, whoami);
    }

    [Fact]
    public async Task A_vac_ban_alone_does_not_stop_the_login()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        sso.Steam.State.Tickets["0A0B"] = new SteamTicket("76561198000000011", VacBanned: true);

        var (status, _) = await sso.Server.PostAsync(Login, Ticket("0A0B"));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("DEADBEEF")]
    [InlineData("0C0D")]
    public async Task A_forged_ticket_or_one_of_a_publisher_banned_user_is_403_M_FORBIDDEN(string ticket)
    {
        await using var sso = await SteamSsoServer.StartAsync();
        sso.Steam.State.Tickets["0C0D"] = new SteamTicket("76561198000000012", PublisherBanned: true);

        var (status, body) = await sso.Server.PostAsync(Login, Ticket(ticket));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());
    }

    [Theory]
    [InlineData("not hex")]
    [InlineData("ABC")]
    public async Task A_malformed_ticket_is_400(string ticket)
    {
        await using var sso = await SteamSsoServer.StartAsync();

        var (status, body) = await sso.Server.PostAsync(Login, Ticket(ticket));
        var (missingStatus, _) = await sso.Server.PostAsync(Login,
            new JsonObject { ["type"] = "org.homeserver.login.steam_ticket" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("M_INVALID_PARAM", body.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
    }

    [Fact]
    public async Task Steam_down_is_502_M_UNKNOWN_not_a_crash()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        sso.Steam.State.Tickets["0E0F"] = new SteamTicket("76561198000000013");
        sso.Steam.State.Down = true;

        var (status, body) = await sso.Server.PostAsync(Login, Ticket("0E0F"));

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("M_UNKNOWN", body.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Ticket_logins_are_rate_limited_per_address_as_other_logins()
    {
        await using var sso = await SteamSsoServer.StartAsync(rateLimited: true);
        sso.Steam.State.Tickets["0A0B"] = new SteamTicket("76561198000000015");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await sso.Server.PostAsync(Login, Ticket("0A0B"))).Status);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Without_a_web_api_key_the_ticket_type_is_neither_listed_nor_accepted()
    {
        await using var sso = await SteamSsoServer.StartAsync(withKey: false);
        sso.Steam.State.Tickets["0A0B"] = new SteamTicket("76561198000000014");

        var (_, flows) = await sso.Server.GetAsync(Login);
        var (status, _) = await sso.Server.PostAsync(Login, Ticket("0A0B"));

        Assert.DoesNotContain(flows.GetProperty("flows").EnumerateArray(),
            f => f.GetProperty("type").GetString() == "org.homeserver.login.steam_ticket");
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Appservices_page_through_the_links_in_link_order()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        string[] ids = ["76561198000000021", "76561198000000022", "76561198000000023"];
        foreach (var id in ids)
        {
            sso.Steam.State.Tickets["AA" + id[^2..]] = new SteamTicket(id);
            Assert.Equal(HttpStatusCode.OK, (await sso.Server.PostAsync(Login, Ticket("AA" + id[^2..]))).Status);
        }

        var (status, page1) = await sso.Server.GetAsync(ExternalIds + "?auth_provider=steam&limit=2", SteamSsoServer.AsToken);
        var next = page1.GetProperty("next_batch").GetString();
        var (_, page2) = await sso.Server.GetAsync($"{ExternalIds}?auth_provider=steam&limit=2&since={next}",
            SteamSsoServer.AsToken);
        var (_, page3) = await sso.Server.GetAsync(
            $"{ExternalIds}?auth_provider=steam&since={page2.GetProperty("next_batch").GetString()}", SteamSsoServer.AsToken);

        Assert.Equal(HttpStatusCode.OK, status);
        var links = page1.GetProperty("links").EnumerateArray().Concat(page2.GetProperty("links").EnumerateArray()).ToList();
        Assert.Equal(ids, links.Select(l => l.GetProperty("external_id").GetString()));
        Assert.All(links, l =>
        {
            Assert.StartsWith("@steam_", l.GetProperty("user_id").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Number, l.GetProperty("linked_at").ValueKind);
        });
        Assert.Empty(page3.GetProperty("links").EnumerateArray());
        Assert.Equal(page2.GetProperty("next_batch").GetString(), page3.GetProperty("next_batch").GetString());
    }

    [Fact]
    public async Task Only_appservices_may_list_links()
    {
        await using var sso = await SteamSsoServer.StartAsync();
        sso.Steam.State.Tickets["AB"] = new SteamTicket("76561198000000031");
        var (_, user) = await sso.Server.PostAsync(Login, Ticket("AB"));

        var (asUser, body) = await sso.Server.GetAsync(ExternalIds + "?auth_provider=steam",
            user.GetProperty("access_token").GetString());
        var (anonymous, _) = await sso.Server.GetAsync(ExternalIds + "?auth_provider=steam");
        var (badSince, _) = await sso.Server.GetAsync(ExternalIds + "?auth_provider=steam&since=x", SteamSsoServer.AsToken);

        Assert.Equal(HttpStatusCode.Forbidden, asUser);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(HttpStatusCode.BadRequest, badSince);
    }
}
