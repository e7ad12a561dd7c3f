using Dapper;
using Homeserver.Services.Accounts;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>Reads <c>users.erased</c> (migration 0002) for a batch of senders.</summary>
public sealed class ErasedUserReader(NpgsqlDataSource dataSource) : IErasedUserReader
{
    private const string SelectErasedSql = "SELECT user_id FROM users WHERE user_id = ANY(@userIds) AND erased";

    private static readonly IReadOnlySet<string> None = new HashSet<string>(StringComparer.Ordinal);

    public async Task<IReadOnlySet<string>> GetErasedAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        if (userIds.Count == 0)
        {
            return None;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var erased = await connection.QueryAsync<string>(new CommandDefinition(SelectErasedSql,
            new { userIds = userIds.Distinct(StringComparer.Ordinal).ToArray() }, cancellationToken: cancellationToken));
        return erased.ToHashSet(StringComparer.Ordinal);
    }
}
