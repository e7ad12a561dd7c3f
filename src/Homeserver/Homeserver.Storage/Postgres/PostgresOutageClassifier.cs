using System.Net.Sockets;
using Homeserver.Services.Health;
using Npgsql;

namespace Homeserver.Storage.Postgres;

/// <summary>
/// Which Npgsql failures mean "Postgres cannot be reached right now" (the server is down, restarting, or refusing
/// connections) rather than a bug: those become 503 with <c>Retry-After</c>. Every outage seen is also reported to
/// <paramref name="onOutage"/> (the local cluster's supervisor checks its cluster at once).
/// </summary>
public sealed class PostgresOutageClassifier(Action? onOutage = null) : IOutageClassifier
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    public DependencyOutage? Classify(Exception exception)
    {
        if (!IsOutage(exception))
        {
            return null;
        }

        onOutage?.Invoke();
        return new DependencyOutage("postgres", RetryAfter);
    }

    /// <summary>
    /// True for a lost or refused connection: a <see cref="SocketException"/>, a transient <see cref="NpgsqlException"/>
    /// (I/O, socket or timeout underneath), or a server error of class 08 (connection exception), 57P (admin or crash
    /// shutdown, cannot connect now) or 53300 (too many connections). Any other server error is an answer, not an
    /// outage (a serialization failure is transient too, but a bug if it reaches a client).
    /// </summary>
    public static bool IsOutage(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case PostgresException postgres:
                return IsOutageState(postgres.SqlState);
            case NpgsqlException { IsTransient: true }:
            case SocketException:
                return true;
            case AggregateException aggregate:
                return aggregate.InnerExceptions.Any(IsOutage);
            default:
                return exception.InnerException is { } inner && IsOutage(inner);
        }
    }

    private static bool IsOutageState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) ||
        sqlState.StartsWith("57P", StringComparison.Ordinal) ||
        sqlState == "53300";
}
