using Dapper;
using Homeserver.Services.OAuth;
using Npgsql;

namespace Homeserver.Storage.OAuth;

/// <summary>
/// The <c>oauth_clients</c> table (migration 0045):
/// client_id text PRIMARY KEY, metadata jsonb, redirect_uris text[], application_type text, created_ts bigint.
/// </summary>
public sealed class OAuthClientStore(NpgsqlDataSource dataSource) : IOAuthClientStore
{
    private const string InsertSql = """
        INSERT INTO oauth_clients (client_id, metadata, redirect_uris, application_type, created_ts)
        VALUES (@clientId, @metadata::jsonb, @redirectUris, @applicationType, @now)
        """;

    private const string SelectSql = "SELECT metadata::text FROM oauth_clients WHERE client_id = @clientId";

    public async Task AddAsync(string clientId, OAuthClientMetadata metadata, long nowTs,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            clientId, metadata = metadata.ToJson(clientId).ToJsonString(), redirectUris = metadata.RedirectUris.ToArray(),
            applicationType = metadata.ApplicationType, now = nowTs,
        }, cancellationToken: cancellationToken));
    }

    public async Task<OAuthClient?> GetAsync(string clientId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectSql, new { clientId },
            cancellationToken: cancellationToken));
        return json is null ? null : new OAuthClient(clientId, OAuthClientMetadata.FromStored(json));
    }
}
