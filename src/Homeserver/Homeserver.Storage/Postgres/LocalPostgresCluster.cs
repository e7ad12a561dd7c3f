using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Homeserver.Storage.Postgres;

/// <summary>
/// A private Postgres cluster in a directory of ours: created with initdb on first start, reachable only
/// through a Unix socket (no TCP port, so it never meets a system cluster), stopped by whoever started it.
/// Layout: <c>{dir}/data</c> (PGDATA), <c>{dir}/server.log</c>, the socket in <c>{dir}</c> when the path is short
/// enough for a socket name and in a per-cluster /tmp directory otherwise.
/// </summary>
public sealed partial class LocalPostgresCluster : ISupervisedCluster, IAsyncDisposable
{
    private const string SuperUser = "postgres";
    private const int SocketPort = 5432;
    private const int MaxSocketPathBytes = 100;

    private readonly PostgresBinaries _binaries;
    private readonly string _dataDirectory;
    private readonly ILogger _logger;
    private bool _startedByUs;

    private LocalPostgresCluster(string directory, PostgresBinaries binaries, ILogger logger)
    {
        Directory = directory;
        _binaries = binaries;
        _logger = logger;
        _dataDirectory = Path.Combine(directory, "data");
        SocketDirectory = ChooseSocketDirectory(directory);
    }

    public string Directory { get; }

    public string SocketDirectory { get; }

    /// <summary>True when this object started the cluster (and so stops it, and may restart it); false when it was found running.</summary>
    public bool StartedByThisProcess => _startedByUs;

    /// <summary>Creates the cluster if needed and starts it unless it already runs (then it is reused and left running).</summary>
    public static async Task<LocalPostgresCluster> StartAsync(string directory,
        IReadOnlyDictionary<string, string>? extraSettings, ILogger logger, CancellationToken cancellationToken)
    {
        var binaries = PostgresBinaries.Find() ?? throw new InvalidOperationException(PostgresBinaries.InstallHint);
        var cluster = new LocalPostgresCluster(Path.GetFullPath(directory), binaries, logger);
        await using (await FileLock.AcquireAsync(cluster.Directory + ".lock", cancellationToken))
        {
            await cluster.InitialiseIfNeededAsync(cancellationToken);
            await cluster.WriteSettingsAsync(extraSettings, cancellationToken);
            await cluster.StartIfNotRunningAsync(cancellationToken);
        }

        return cluster;
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = SocketDirectory,
        Port = SocketPort,
        Username = SuperUser,
        Database = database,
    }.ConnectionString;

    /// <summary>Creates <paramref name="database"/> when it does not exist yet.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            var quoted = "\"" + database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public bool IsRunning() => PostmasterPidFile.ReadPid(_dataDirectory) is { } pid && PostmasterPidFile.IsAlive(pid);

    /// <summary>
    /// Starts the cluster again after its postmaster died (e.g. killed): under the same file lock as a first start.
    /// A postmaster.pid left behind names a dead process, which Postgres itself sees and replaces; while the dead
    /// postmaster's children still hold its shared memory (or it is an unreaped zombie) Postgres refuses to start, and
    /// this throws for the caller to try again later.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await using (await FileLock.AcquireAsync(Directory + ".lock", cancellationToken))
        {
            if (!IsRunning())
            {
                await StartServerAsync(cancellationToken);
            }
        }
    }

    /// <summary>Stops the cluster if this object started it; a cluster found running is left alone.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_startedByUs)
        {
            return;
        }

        _startedByUs = false;
        NpgsqlConnection.ClearAllPools();
        var result = await CommandRunner.RunAsPostgresAsync(_binaries.PgCtl,
            ["-D", _dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken);
        if (result.Succeeded)
        {
            LogStopped(_logger, Directory);
        }
        else
        {
            LogStopFailed(_logger, Directory, result.Output);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private async Task InitialiseIfNeededAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(_dataDirectory, "PG_VERSION")))
        {
            return;
        }

        System.IO.Directory.CreateDirectory(Directory);
        if (System.IO.Directory.Exists(_dataDirectory))
        {
            // A half-made data directory from an interrupted initdb: initdb wants an empty one.
            System.IO.Directory.Delete(_dataDirectory, recursive: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await CommandRunner.ChangeOwnerToPostgresAsync(Directory, cancellationToken);
        LogInitialising(_logger, Directory);
        var result = await CommandRunner.RunAsPostgresAsync(_binaries.InitDb,
        [
            "-D", _dataDirectory, "-U", SuperUser, "--auth-local=trust", "--auth-host=reject",
            "--encoding=UTF8", "--locale=C", "--no-instructions",
        ], cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"initdb failed for {_dataDirectory}" + RootHint() + ":" + Environment.NewLine + result.Output);
        }

        var mainConfig = Path.Combine(_dataDirectory, "postgresql.conf");
        await File.AppendAllTextAsync(mainConfig,
            Environment.NewLine + "include_if_exists = 'homeserver.conf'" + Environment.NewLine, cancellationToken);
    }

    private async Task WriteSettingsAsync(IReadOnlyDictionary<string, string>? extraSettings,
        CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(SocketDirectory);
        await CommandRunner.ChangeOwnerToPostgresAsync(SocketDirectory, cancellationToken);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["listen_addresses"] = "",
            ["unix_socket_directories"] = SocketDirectory,
            ["port"] = SocketPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["max_connections"] = "200",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var text = new StringBuilder("# Written by the homeserver at every start; edit its settings instead.\n");
        foreach (var (key, value) in settings)
        {
            text.Append(key).Append(" = '").Append(value.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
        }

        var path = Path.Combine(_dataDirectory, "homeserver.conf");
        await File.WriteAllTextAsync(path, text.ToString(), cancellationToken);
        await CommandRunner.ChangeOwnerToPostgresAsync(path, cancellationToken);
    }

    private async Task StartIfNotRunningAsync(CancellationToken cancellationToken)
    {
        var status = await CommandRunner.RunAsPostgresAsync(_binaries.PgCtl, ["-D", _dataDirectory, "status"],
            cancellationToken);
        if (status.Succeeded)
        {
            LogReused(_logger, Directory);
            return;
        }

        await StartServerAsync(cancellationToken);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var log = Path.Combine(Directory, "server.log");
        var result = await CommandRunner.RunAsPostgresAsync(_binaries.PgCtl,
            ["-D", _dataDirectory, "-l", log, "-w", "-t", "120", "start"], cancellationToken);
        if (!result.Succeeded)
        {
            var tail = File.Exists(log)
                ? string.Join(Environment.NewLine, (await File.ReadAllLinesAsync(log, cancellationToken)).TakeLast(15))
                : "";
            throw new InvalidOperationException(
                $"pg_ctl start failed for {_dataDirectory}: {result.Output}{Environment.NewLine}{tail}");
        }

        _startedByUs = true;
        LogStarted(_logger, Directory, SocketDirectory);
    }

    private static string ChooseSocketDirectory(string directory)
    {
        var socketPath = Path.Combine(directory, $".s.PGSQL.{SocketPort}");
        if (Encoding.UTF8.GetByteCount(socketPath) <= MaxSocketPathBytes)
        {
            return directory;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(directory)))[..16];
        return Path.Combine(Path.GetTempPath(), $"homeserver-pg-{hash}");
    }

    private static string RootHint() => CommandRunner.RunningAsRoot
        ? $" (running as the '{CommandRunner.PostgresUser}' user: every directory above it must be searchable by that user)"
        : "";

    [LoggerMessage(Level = LogLevel.Information, Message = "Creating a local Postgres cluster in {Directory}")]
    private static partial void LogInitialising(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started the local Postgres cluster in {Directory} (socket in {SocketDirectory})")]
    private static partial void LogStarted(ILogger logger, string directory, string socketDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "The local Postgres cluster in {Directory} was already running; reusing it")]
    private static partial void LogReused(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped the local Postgres cluster in {Directory}")]
    private static partial void LogStopped(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping the local Postgres cluster in {Directory} failed: {Output}")]
    private static partial void LogStopFailed(ILogger logger, string directory, string output);
}
