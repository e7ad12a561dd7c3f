using Homeserver.Bridges.AppService.Store;
using Npgsql;

namespace Homeserver.Bridges.AppService;

/// <summary>The appservice's own Postgres database (one data source), and bringing its schema up to date.</summary>
public sealed class AppServiceDatabase(string connectionString) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(connectionString);

    /// <summary>Applies the SDK's migrations (bridges apply theirs with their own <see cref="SchemaMigrator"/>).</summary>
    public Task MigrateAsync(CancellationToken cancellationToken) =>
        SchemaMigrator.ForAppServiceStore(DataSource).ApplyAsync(cancellationToken);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
