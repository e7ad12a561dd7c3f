using System.Text.Json.Nodes;
using Homeserver.Bridges.AppService;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Registration;
using Homeserver.Bridges.Steam.Links;
using Homeserver.Bridges.Steam.Store;
using Homeserver.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Bridges.Steam.Tests;

/// <summary>
/// The automatic links of users who signed in with Steam, against a stand-in of the homeserver's
/// <c>GET /_matrix/client/unstable/org.homeserver.sso/external_ids</c> (the contract with the homeserver's Steam SSO).
/// </summary>
public sealed class SsoLinkPollerTests : IAsyncLifetime
{
    private readonly Registration _registration = SteamRegistration.Create(null, "example.org");
    private readonly List<string> _requests = [];
    private readonly List<JsonObject> _links = [];
    private WebApplication _homeserver = null!;
    private HttpClient _http = null!;
    private AppServiceDatabase _database = null!;
    private SteamBridgeStore _store = null!;
    private bool _endpointMissing;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _homeserver = builder.Build();
        _homeserver.MapGet(SsoLinkPoller.Path, ExternalIds);
        await _homeserver.StartAsync();
        _http = new HttpClient();
        _database = new AppServiceDatabase(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        await StoreMigrations.ApplyAsync(_database, CancellationToken.None);
        _store = new SteamBridgeStore(_database.DataSource, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _homeserver.StopAsync();
        await _homeserver.DisposeAsync();
        await _database.DisposeAsync();
        _http.Dispose();
    }

    // Pages of two links; next_batch is the index of the next link.
    private IResult ExternalIds(HttpContext context)
    {
        var query = context.Request.Query;
        _requests.Add($"{context.Request.Headers.Authorization} provider={query["auth_provider"]} since={query["since"]} limit={query["limit"]}");
        if (_endpointMissing)
        {
            return Results.Json(new JsonObject { ["errcode"] = "M_UNRECOGNIZED", ["error"] = "Unrecognized request" }, statusCode: 404);
        }

        var start = int.TryParse(query["since"], out var since) ? since : 0;
        var page = _links.Skip(start).Take(2).Select(l => (JsonNode)l.DeepClone()).ToArray();
        return Results.Json(new JsonObject { ["links"] = new JsonArray(page), ["next_batch"] = (start + page.Length).ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    private SsoLinkPoller Poller() => new(
        new MatrixClient(_http, new MatrixClientOptions { HomeserverUrl = new Uri(_homeserver.Urls.First()), AsToken = _registration.AsToken },
            TimeProvider.System, NullLogger<MatrixClient>.Instance),
        _store, new AppServiceIdentity(_registration, "example.org"), NullLogger<SsoLinkPoller>.Instance);

    private void AddLink(string userId, string steamId) =>
        _links.Add(new JsonObject { ["user_id"] = userId, ["external_id"] = steamId, ["linked_at"] = 1764892800000 });

    [Fact]
    public async Task Users_who_signed_in_with_Steam_are_linked_page_by_page_with_the_as_token()
    {
        AddLink("@alice:example.org", "76561198000000001");
        AddLink("@bob:example.org", "76561198000000002");
        AddLink("@carol:example.org", "76561198000000003");

        Assert.Equal(3, await Poller().PollAsync(CancellationToken.None));

        Assert.Equal("76561198000000003", (await _store.LinkOfUserAsync("@carol:example.org", CancellationToken.None))!.SteamId);
        Assert.Equal("sso", (await _store.LinkOfUserAsync("@alice:example.org", CancellationToken.None))!.Source);
        Assert.Equal([
            $"Bearer {_registration.AsToken} provider=steam since= limit=100",
            $"Bearer {_registration.AsToken} provider=steam since=2 limit=100",
            $"Bearer {_registration.AsToken} provider=steam since=3 limit=100",
        ], _requests);
    }

    [Fact]
    public async Task The_next_batch_is_kept_so_a_new_poller_only_reads_what_is_new()
    {
        AddLink("@alice:example.org", "76561198000000001");
        await Poller().PollAsync(CancellationToken.None);
        AddLink("@bob:example.org", "76561198000000002");

        Assert.Equal(1, await Poller().PollAsync(CancellationToken.None));
        Assert.Contains("since=1 ", _requests[^2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remote_users_bad_ids_and_taken_steam_ids_are_not_linked()
    {
        AddLink("@mallory:evil.org", "76561198000000001");
        AddLink("@alice:example.org", "not-a-steam-id");
        AddLink("@_steam_76561198000000009:example.org", "76561198000000009");
        AddLink("@alice:example.org", "76561198000000001");
        AddLink("@bob:example.org", "76561198000000001");

        Assert.Equal(1, await Poller().PollAsync(CancellationToken.None));
        Assert.Equal("@alice:example.org", (await _store.LinkOfSteamIdAsync("76561198000000001", CancellationToken.None))!.UserId);
        Assert.Null(await _store.LinkOfUserAsync("@bob:example.org", CancellationToken.None));
    }

    [Fact]
    public async Task A_homeserver_without_the_endpoint_links_nobody_and_does_not_throw()
    {
        _endpointMissing = true;

        Assert.Equal(0, await Poller().PollAsync(CancellationToken.None));
        Assert.Empty(await _store.LinksAsync(CancellationToken.None));
    }
}
