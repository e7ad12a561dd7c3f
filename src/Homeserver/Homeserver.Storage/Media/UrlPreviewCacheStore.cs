using Dapper;
using Homeserver.Services.Media.UrlPreview;
using Npgsql;

namespace Homeserver.Storage.Media;

/// <summary>
/// The <c>url_previews</c> table (migration 0023): url text PRIMARY KEY, og (the JSON answered), fetched_ts,
/// expires_ts (indexed). Each store also deletes a few rows that expired more than <see cref="KeepExpired"/> ago, so
/// URLs never asked for again do not stay forever.
/// </summary>
public sealed class UrlPreviewCacheStore(NpgsqlDataSource dataSource) : IUrlPreviewCache
{
    public static readonly TimeSpan KeepExpired = TimeSpan.FromDays(1);
    private const int PrunedPerStore = 100;

    private const string SelectSql = """
        SELECT og FROM url_previews WHERE url = @url AND expires_ts > @at
        """;

    private const string UpsertSql = """
        INSERT INTO url_previews (url, og, fetched_ts, expires_ts) VALUES (@url, @og, @fetchedTs, @expiresTs)
        ON CONFLICT (url) DO UPDATE SET og = EXCLUDED.og, fetched_ts = EXCLUDED.fetched_ts,
                                        expires_ts = EXCLUDED.expires_ts;
        DELETE FROM url_previews WHERE url IN (
            SELECT url FROM url_previews WHERE expires_ts < @pruneBefore ORDER BY expires_ts LIMIT @limit);
        """;

    public async Task<string?> GetAsync(string url, long at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(SelectSql,
            new { url, at }, cancellationToken: cancellationToken));
    }

    public async Task PutAsync(string url, string og, long fetchedTs, long expiresTs,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new
        {
            url,
            og,
            fetchedTs,
            expiresTs,
            pruneBefore = fetchedTs - (long)KeepExpired.TotalMilliseconds,
            limit = PrunedPerStore,
        }, cancellationToken: cancellationToken));
    }
}
