using Microsoft.Extensions.Logging;
using Npgsql;

namespace Homeserver.Storage.Postgres;

/// <summary>
/// Connections that hold session state (LISTEN, session advisory locks), apart from the shared pool: the pool's
/// connections are not reset when returned (<c>NoResetOnClose</c>), so session state left on one would outlive its
/// user. These are never pooled: whatever a session holds ends when it is closed. Their
/// <c>application_name</c> (<see cref="ApplicationName"/> unless the connection string names one) tells them apart
/// in <c>pg_stat_activity</c>.
/// </summary>
public sealed class SessionConnections : IAsyncDisposable
{
    public const string ApplicationName = "homeserver-session";

    public SessionConnections(string connectionString, ILoggerFactory? loggerFactory = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        builder.ConnectionStringBuilder.Pooling = false;
        builder.ConnectionStringBuilder.ApplicationName ??= ApplicationName;
        // Names the pool in Npgsql's metrics and spans (instead of the connection string).
        builder.Name = ApplicationName;
        DataSource = builder.Build();
    }

    /// <summary>An unpooled data source: each connection opened is a new session, ended when it is closed.</summary>
    public NpgsqlDataSource DataSource { get; }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        DataSource.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
