using Dapper;
using Homeserver.Services.Admin.Rooms;
using Npgsql;

namespace Homeserver.Storage.Admin.Rooms;

/// <summary>The <c>admin_room_jobs</c> table (migration 0040): the admin's delete and purge jobs and their outcome.</summary>
public sealed class AdminRoomJobStore(NpgsqlDataSource dataSource) : IAdminRoomJobStore
{
    private const string Columns = """
        job_id AS JobId, kind AS Kind, room_id AS RoomId, status AS Status, result AS Result, error AS Error,
        created_ts AS CreatedTs
        """;

    public async Task CreateAsync(AdminRoomJob job, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO admin_room_jobs (job_id, kind, room_id, status, result, error, created_ts)
            VALUES (@JobId, @Kind, @RoomId, @Status, @Result, @Error, @CreatedTs)
            """, job, cancellationToken: cancellationToken));
    }

    public async Task UpdateAsync(string jobId, string status, string? result, string? error,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE admin_room_jobs SET status = @status, result = coalesce(@result, result), error = @error
            WHERE job_id = @jobId
            """, new { jobId, status, result, error }, cancellationToken: cancellationToken));
    }

    public async Task<AdminRoomJob?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AdminRoomJob>(new CommandDefinition(
            $"SELECT {Columns} FROM admin_room_jobs WHERE job_id = @jobId", new { jobId },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<AdminRoomJob>> ListByRoomAsync(string roomId, string kind,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AdminRoomJob>(new CommandDefinition(
            $"SELECT {Columns} FROM admin_room_jobs WHERE room_id = @roomId AND kind = @kind ORDER BY created_ts, job_id",
            new { roomId, kind }, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
