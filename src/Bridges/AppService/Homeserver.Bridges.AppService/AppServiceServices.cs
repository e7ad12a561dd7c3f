using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Http;
using Homeserver.Bridges.AppService.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Homeserver.Bridges.AppService;

/// <summary>
/// Wires the SDK into an application: identity, store, transaction processing, the Client-Server API client and
/// intents. Add <see cref="Events.IMatrixEventReceiver"/>s (and optionally an <see cref="IAppServiceQueryHandler"/>
/// or <see cref="IThirdPartyHandler"/>), map <see cref="AppServiceApi.MapAppServiceApi"/>, and call
/// <see cref="AppServiceDatabase.MigrateAsync"/> before serving.
/// </summary>
public static class AppServiceServices
{
    /// <summary>Reads the registration file named in <paramref name="settings"/> and adds the SDK's services.</summary>
    public static IServiceCollection AddAppService(this IServiceCollection services, AppServiceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var registration = Registration.RegistrationYaml.Read(File.ReadAllText(settings.RegistrationFile));
        return services.AddAppService(registration, settings.ServerName, settings.HomeserverUrl, settings.Database);
    }

    /// <summary>Adds the SDK's services over the database <paramref name="database"/> names (Postgres or SQLite).</summary>
    public static IServiceCollection AddAppService(this IServiceCollection services, Registration.Registration registration,
        string serverName, Uri homeserverUrl, AppServiceDatabaseSettings database)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new AppServiceIdentity(registration, serverName));
        services.AddSingleton(_ => AppServiceDatabase.Open(database));
        services.AddSingleton<ITransactionLog>(sp =>
            new SqlTransactionLog(sp.GetRequiredService<AppServiceDatabase>().DataSource, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IGhostStore>(sp =>
            new SqlGhostStore(sp.GetRequiredService<AppServiceDatabase>().DataSource, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IMembershipStore>(sp => new SqlMembershipStore(sp.GetRequiredService<AppServiceDatabase>().DataSource));
        services.AddSingleton<IMappingStore>(sp =>
            new SqlMappingStore(sp.GetRequiredService<AppServiceDatabase>().DataSource, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<TransactionProcessor>();
        services.AddSingleton(new MatrixClientOptions { HomeserverUrl = homeserverUrl, AsToken = registration.AsToken });
        services.AddSingleton<AppServiceHttpClient>();
        services.AddSingleton(sp => new MatrixClient(sp.GetRequiredService<AppServiceHttpClient>().Http,
            sp.GetRequiredService<MatrixClientOptions>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<MatrixClient>>()));
        services.AddSingleton<TransactionIds>();
        services.AddSingleton<Intents>();
        services.TryAddSingleton<IAppServiceQueryHandler, NoQueries>();
        services.TryAddSingleton<IThirdPartyHandler, NoThirdParty>();
        return services;
    }
}

/// <summary>The one HttpClient the SDK talks to the homeserver with (owned and disposed by the container).</summary>
public sealed class AppServiceHttpClient : IDisposable
{
    public HttpClient Http { get; } = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(100),
    };

    public void Dispose() => Http.Dispose();
}
