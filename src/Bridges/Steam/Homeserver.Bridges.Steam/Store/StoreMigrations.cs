using Homeserver.Bridges.AppService;
using Homeserver.Bridges.AppService.Store;

namespace Homeserver.Bridges.Steam.Store;

/// <summary>Brings the database up to date: the SDK's migrations, then the bridge's (history in
/// <c>steam_schema_migrations</c>).</summary>
public static class StoreMigrations
{
    public const string HistoryTable = "steam_schema_migrations";

    public static async Task ApplyAsync(AppServiceDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync(cancellationToken);
        await new SchemaMigrator(database.DataSource, HistoryTable, typeof(StoreMigrations).Assembly,
            "Homeserver.Bridges.Steam.Store.Migrations.").ApplyAsync(cancellationToken);
    }
}
