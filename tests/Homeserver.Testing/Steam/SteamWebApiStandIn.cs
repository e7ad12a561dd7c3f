using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Homeserver.Testing.Steam;

/// <summary>The Steam Web API stand-in on a loopback port: <see cref="SteamWebApiRoutes.MapSteamWebApi"/> over
/// <see cref="State"/>. Point a client's base URL at <see cref="BaseUrl"/>.</summary>
public sealed class SteamWebApiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SteamWebApiStandIn(WebApplication app, SteamWebApiState state, Uri baseUrl)
    {
        _app = app;
        State = state;
        BaseUrl = baseUrl;
    }

    public SteamWebApiState State { get; }

    /// <summary>The base URL, ending in '/'.</summary>
    public Uri BaseUrl { get; }

    public static async Task<SteamWebApiStandIn> StartAsync(SteamWebApiState? state = null)
    {
        state ??= new SteamWebApiState();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapSteamWebApi(state);
        await app.StartAsync();
        var address = app.Urls.First();
        return new SteamWebApiStandIn(app, state, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
