using System.Collections.Concurrent;
using Homeserver.ClientApi.Endpoints;
using Homeserver.Services.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.ClientApi.Tests;

/// <summary>
/// The client API pipeline and endpoints on a real Kestrel listener on loopback, with extra probe
/// endpoints a test adds to reach each error path. Log lines are kept for assertions.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, HttpClient client, ConcurrentQueue<(LogLevel, string, Exception?)> logs)
    {
        _app = app;
        Client = client;
        Logs = logs;
    }

    public HttpClient Client { get; }

    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Logs { get; }

    public static async Task<TestApp> StartAsync(Action<IEndpointRouteBuilder>? probes = null,
        Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var homeserverSettings = SettingsReader.Read(configuration, Path.GetTempPath());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        var logs = new ConcurrentQueue<(LogLevel, string, Exception?)>();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddProvider(new ListLoggerProvider(logs));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = homeserverSettings.Limits.MaxRequestBodyBytes;
            k.Listen(System.Net.IPAddress.Loopback, 0);
        });
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseClientApiPipeline(homeserverSettings);
        // The endpoints of this layer that need no database; account endpoints are tested with the whole server.
        app.MapVersions();
        app.MapWellKnown(homeserverSettings.WellKnown);
        app.MapHealth();
        probes?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, new HttpClient { BaseAddress = new Uri(address) }, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<(LogLevel, string, Exception?)> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(sink);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(ConcurrentQueue<(LogLevel, string, Exception?)> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            sink.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
