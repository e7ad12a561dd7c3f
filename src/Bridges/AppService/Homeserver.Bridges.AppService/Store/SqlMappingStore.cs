using System.Data.Common;
using Dapper;

namespace Homeserver.Bridges.AppService.Store;

/// <summary>
/// The <c>appservice_mappings</c> table: kind, remote_id, part (PRIMARY KEY together), matrix_id (UNIQUE per kind),
/// room_id, created_ts.
/// </summary>
public sealed class SqlMappingStore(DbDataSource dataSource, TimeProvider time) : IMappingStore
{
    private const string Columns = "kind AS Kind, remote_id AS RemoteId, part AS Part, matrix_id AS MatrixId, room_id AS RoomId";

    private const string InsertSql = """
        INSERT INTO appservice_mappings (kind, remote_id, part, matrix_id, room_id, created_ts)
        VALUES (@Kind, @RemoteId, @Part, @MatrixId, @RoomId, @now)
        ON CONFLICT DO NOTHING
        """;

    private const string ByRemoteSql = $"SELECT {Columns} FROM appservice_mappings WHERE kind = @kind AND remote_id = @remoteId ORDER BY part";

    private const string ByMatrixSql = $"SELECT {Columns} FROM appservice_mappings WHERE kind = @kind AND matrix_id = @matrixId";

    private const string DeleteByRemoteSql = "DELETE FROM appservice_mappings WHERE kind = @kind AND remote_id = @remoteId";

    private const string DeleteByMatrixSql = "DELETE FROM appservice_mappings WHERE kind = @kind AND matrix_id = @matrixId";

    public async Task<bool> TryAddAsync(Mapping mapping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            mapping.Kind, mapping.RemoteId, mapping.Part, mapping.MatrixId, mapping.RoomId,
            now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<IReadOnlyList<Mapping>> FindByRemoteAsync(string kind, string remoteId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<MappingRow>(new CommandDefinition(ByRemoteSql, new { kind, remoteId },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToMapping()).ToList();
    }

    public async Task<Mapping?> FindByMatrixAsync(string kind, string matrixId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<MappingRow>(new CommandDefinition(ByMatrixSql, new { kind, matrixId },
            cancellationToken: cancellationToken));
        return row?.ToMapping();
    }

    public async Task<int> RemoveByRemoteAsync(string kind, string remoteId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteByRemoteSql, new { kind, remoteId },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> RemoveByMatrixAsync(string kind, string matrixId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteByMatrixSql, new { kind, matrixId },
            cancellationToken: cancellationToken)) == 1;
    }

    private sealed class MappingRow
    {
        public string Kind { get; set; } = "";

        public string RemoteId { get; set; } = "";

        public string Part { get; set; } = "";

        public string MatrixId { get; set; } = "";

        public string? RoomId { get; set; }

        public Mapping ToMapping() => new(Kind, RemoteId, Part, MatrixId, RoomId);
    }
}
