using System.Net;
using Homeserver.ClientApi;
using Homeserver.Federation;
using Homeserver.Federation.Http;
using Homeserver.Host.Observability;
using Homeserver.Http;
using Homeserver.Core.Crypto;
using Homeserver.Services.Configuration;
using Homeserver.Services.Health;
using Homeserver.Services.Shared;
using Homeserver.Storage;
using Homeserver.Storage.Redis;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Homeserver.Host.Hosting;

/// <summary>
/// One running server process: database (and local cluster), migrations, signing key, shared store and
/// the HTTP listeners. The composition root: every service is registered here and nowhere else.
/// </summary>
public sealed partial class HomeserverInstance : IAsyncDisposable
{
    private readonly Database _database;
    private readonly ISharedStore _sharedStore;

    private HomeserverInstance(WebApplication app, Database database, ISharedStore sharedStore)
    {
        App = app;
        _database = database;
        _sharedStore = sharedStore;
    }

    public WebApplication App { get; }

    /// <summary>The addresses actually bound (ports resolved when 0 was configured).</summary>
    public IReadOnlyList<Uri> Addresses =>
        App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();

    /// <param name="configureServices">Runs after the server's own registrations (tests replace the clock, add hooks).</param>
    public static async Task<HomeserverInstance> StartAsync(HomeserverSettings settings,
        CancellationToken cancellationToken, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Directory.CreateDirectory(settings.DataDirectory);
        using var bootLoggers = HostLogging.CreateFactory(settings.LogFormat, settings.LogLevel);
        var bootLogger = bootLoggers.CreateLogger<HomeserverInstance>();
        var (signingKey, created) = await SigningKeyFile.LoadOrCreateAsync(settings.SigningKeyPath, cancellationToken);
        LogSigningKey(bootLogger, signingKey.KeyId, settings.SigningKeyPath, created);

        var database = await Database.OpenAsync(settings, bootLoggers, cancellationToken);
        ISharedStore? sharedStore = null;
        try
        {
            await database.MigrateAsync(bootLoggers, cancellationToken);
            await new ServerMetadataTable(database.DataSource).EnsureServerNameAsync(settings.ServerName,
                cancellationToken);
            sharedStore = settings.Redis.Enabled
                ? await RedisSharedStore.ConnectAsync(settings.Redis.Configuration,
                    bootLoggers.CreateLogger<RedisSharedStore>())
                : new InProcessSharedStore();
            var app = Build(settings, database, sharedStore, signingKey, configureServices);
            await app.Services.GetRequiredService<Homeserver.Services.AppServices.AppServiceSenderAccounts>()
                .EnsureAsync(cancellationToken);
            await app.StartAsync(cancellationToken);
            var instance = new HomeserverInstance(app, database, sharedStore);
            var addresses = string.Join(", ", instance.Addresses);
            LogStarted(app.Logger, settings.ServerName.Value, addresses);
            LogFirstSteps(app.Logger, settings);
            return instance;
        }
        catch
        {
            (sharedStore as IDisposable)?.Dispose();
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync(CancellationToken.None);
            await App.DisposeAsync();
        }
        finally
        {
            (_sharedStore as IDisposable)?.Dispose();
            await _database.DisposeAsync();
        }
    }

    private static WebApplication Build(HomeserverSettings settings, Database database, ISharedStore sharedStore,
        SigningKey signingKey, Action<IServiceCollection>? configureServices)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = settings.DataDirectory,
            EnvironmentName = "Production",
        });
        builder.Configuration.Sources.Clear();
        HostLogging.Configure(builder.Logging, settings.LogFormat, settings.LogLevel);
        builder.WebHost.ConfigureKestrel(kestrel => ConfigureListeners(kestrel, settings));

        builder.Services.AddHomeserver(settings, database.DataSource, sharedStore, signingKey);
        builder.Services.AddSingleton(database.Sessions);
        builder.Services.AddHomeserverBackgroundServices();
        builder.Services.AddSingleton(database.OutageClassifier);
        builder.Services.AddSingleton<ILivenessCheck>(database);
        builder.Services.AddHomeserverOpenApi();
        builder.Services.AddHomeserverMetrics(settings.Telemetry);
        builder.Services.AddHomeserverTracing(settings.Telemetry);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        database.StartSupervision(app.Services.GetRequiredService<ILoggerFactory>(), TimeProvider.System);
        // The metrics and federation listeners have their own pipelines; everything else is the client listener's.
        app.UseMetricsListener(settings.Telemetry);
        app.MapWhen(FederationListener.Mark.Accepted, federation => federation.UseFederationApi(settings));
        app.UseClientApiPipeline(settings);
        app.MapClientApi(settings);
        app.MapLiveClient(settings);
        app.MapAdminPage();
        app.MapHomeserverOpenApi();
        return app;
    }

    private static void ConfigureListeners(KestrelServerOptions kestrel, HomeserverSettings settings)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = settings.Limits.MaxRequestBodyBytes;
        var needsTls = settings.Listen.Client.Scheme == Uri.UriSchemeHttps ||
                       settings.Listen.Federation?.Scheme == Uri.UriSchemeHttps;
        var certificate = needsTls ? TlsCertificate.LoadOrCreate(settings.Tls, settings) : null;
        Listen(kestrel, settings.Listen.Client, certificate, "Listen:Client", mark: null);
        if (settings.Listen.Federation is { } federation)
        {
            Listen(kestrel, federation, certificate, FederationListener.Mark.Key, FederationListener.Mark);
        }

        if (settings.Telemetry.MetricsListen is { } metrics)
        {
            Listen(kestrel, metrics, null, MetricsListener.Mark.Key, MetricsListener.Mark);
        }
    }

    private static void Listen(KestrelServerOptions kestrel, Uri url,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate, string key,
        ListenerMark? mark)
    {
        void Configure(ListenOptions listen)
        {
            if (mark is not null)
            {
                listen.Use(mark.MarkConnections);
            }

            if (url.Scheme == Uri.UriSchemeHttps)
            {
                listen.UseHttps(certificate!);
            }
        }

        var host = url.Host.Trim('[', ']');
        if (host is "localhost")
        {
            kestrel.ListenLocalhost(url.Port, Configure);
        }
        else if (host is "*" or "+" or "0.0.0.0" or "::")
        {
            kestrel.ListenAnyIP(url.Port, Configure);
        }
        else if (IPAddress.TryParse(host, out var address))
        {
            kestrel.Listen(address, url.Port, Configure);
        }
        else
        {
            throw new InvalidSettingException($"{SettingsReader.SectionName}:{key}",
                $"'{url.Host}' is not an IP address or localhost; listen on an address and put the name in DNS");
        }
    }

    /// <summary>What a new admin needs next: the URL a client types in, and how accounts get made.</summary>
    private static void LogFirstSteps(ILogger logger, HomeserverSettings settings)
    {
        var url = settings.WellKnown.ClientBaseUrl.ToString().TrimEnd('/');
        if (!settings.Registration.Enabled)
        {
            LogRegistrationClosed(logger, url);
        }
        else if (settings.Registration.RequireToken)
        {
            LogRegistrationNeedsToken(logger, url);
        }
        else
        {
            LogRegistrationOpen(logger, url);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Clients connect to {Url}. Registration is closed: " +
        "create a user with `./scripts/homeserver register-user -u NAME --admin` (asks for the password), " +
        "or open it with Homeserver__Registration__Enabled=true")]
    private static partial void LogRegistrationClosed(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clients connect to {Url}. Registration needs a token: " +
        "make one with `./scripts/homeserver registration-token create`")]
    private static partial void LogRegistrationNeedsToken(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clients connect to {Url}. Registration is open: anyone who " +
        "reaches this server can create an account")]
    private static partial void LogRegistrationOpen(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing key {KeyId} at {Path} (created now: {Created})")]
    private static partial void LogSigningKey(ILogger logger, string keyId, string path, bool created);

    [LoggerMessage(Level = LogLevel.Information, Message = "Homeserver {ServerName} listening on {Urls}")]
    private static partial void LogStarted(ILogger logger, string serverName, string urls);
}
