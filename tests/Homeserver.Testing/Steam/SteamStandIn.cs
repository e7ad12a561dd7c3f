using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.Testing.Steam;

/// <summary>
/// Steam on loopback for tests: Kestrel on 127.0.0.1 (a free port) serving <see cref="SteamOpenIdEndpoints"/> and any
/// further routes the test maps (the Web API's other methods). Point the homeserver's <c>Sso:Steam:OpenIdUrl</c> at
/// <see cref="OpenIdUrl"/> and <c>Sso:Steam:WebApiBaseUrl</c> at <see cref="BaseUrl"/>.
/// </summary>
public sealed class SteamStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SteamStandIn(WebApplication app, SteamStandInState state)
    {
        _app = app;
        State = state;
    }

    public SteamStandInState State { get; }

    /// <summary>The stand-in's root, <c>http://127.0.0.1:port</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    public string OpenIdUrl => BaseUrl + SteamOpenIdEndpoints.OpenIdPath;

    public static async Task<SteamStandIn> StartAsync(SteamStandInState? state = null,
        Action<IEndpointRouteBuilder>? moreRoutes = null)
    {
        state ??= new SteamStandInState();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapSteamOpenId(state);
        moreRoutes?.Invoke(app);
        await app.StartAsync();
        var standIn = new SteamStandIn(app, state)
        {
            BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Single().TrimEnd('/'),
        };
        state.OpenIdUrl = standIn.OpenIdUrl;
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
