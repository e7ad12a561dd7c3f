using Homeserver.Services.Health;
using Npgsql;

namespace Homeserver.Storage;

/// <summary>Readiness: Postgres answers a query within a couple of seconds.</summary>
public sealed class PostgresReadinessCheck(NpgsqlDataSource dataSource) : IReadinessCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public string Name => "postgres";

    public bool Required => true;

    public async Task<ReadinessResult> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return ReadinessResult.Ok;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException
                                      && !cancellationToken.IsCancellationRequested)
        {
            return new ReadinessResult(false, e is OperationCanceledException ? "timed out" : e.Message);
        }
    }
}
