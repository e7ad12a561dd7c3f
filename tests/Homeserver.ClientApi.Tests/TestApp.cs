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
    private readonly ListLoggerProvider _logProvider;

    private TestApp(WebApplication app, HttpClient client, ListLoggerProvider logProvider)
    {
        _app = app;
        Client = client;
        _logProvider = logProvider;
    }

    public HttpClient Client { get; }

    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Logs => _logProvider.Sink;

    /// <summary>
    /// Waits until the lines logged so far satisfy <paramref name="holds"/>, woken by each new line (a request's log
    /// line is written after its response has gone, so a client can see the response first).
    /// </summary>
    public async Task WaitForLogsAsync(Func<IReadOnlyCollection<(LogLevel Level, string Message, Exception? Exception)>, bool> holds,
        TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var logged = _logProvider.NextLine;
            if (holds(_logProvider.Sink))
            {
                return;
            }

            await logged.WaitAsync(cancellation.Token);
        }
    }

    public static async Task<TestApp> StartAsync(Action<IEndpointRouteBuilder>? probes = null,
        Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var homeserverSettings = SettingsReader.Read(configuration, Path.GetTempPath());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        var logs = new ListLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddProvider(logs);
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

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        private TaskCompletionSource _nextLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<(LogLevel, string, Exception?)> Sink { get; } = new();

        /// <summary>Completes when the next line is logged.</summary>
        public Task NextLine => Volatile.Read(ref _nextLine).Task;

        public ILogger CreateLogger(string categoryName) => new ListLogger(this);

        public void Add((LogLevel, string, Exception?) line)
        {
            Sink.Enqueue(line);
            Interlocked.Exchange(ref _nextLine, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))
                .TrySetResult();
        }

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(ListLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            provider.Add((logLevel, formatter(state, exception), exception));
    }
}
