using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Sync;

/// <summary>
/// Uploaded filters: create and get (a user's own only), and resolving /sync's <c>filter</c> parameter. An uploaded
/// filter never changes (a change is a new upload with a new ID), so /sync keeps the parsed filters it resolved by
/// (user, ID) in memory, up to <see cref="MaxCachedFilters"/> of them: every long-poll of a client names the same one.
/// </summary>
public sealed class FilterService(IFilterStore store)
{
    private const int MaxCachedFilters = 20_000;

    private readonly ConcurrentDictionary<(string UserId, long FilterId), SyncFilter> _parsed = new();

    /// <summary>POST /user/{userId}/filter: validates and stores the filter; returns its ID.</summary>
    public async Task<string> CreateAsync(Requester requester, string userId, JsonElement body,
        CancellationToken cancellationToken)
    {
        RequireSelf(requester, userId, "create");
        SyncFilter.Parse(body);
        var id = await store.CreateAsync(userId, body.GetRawText(), cancellationToken);
        return id.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>GET /user/{userId}/filter/{filterId}: the filter as it was uploaded.</summary>
    public async Task<string> GetAsync(Requester requester, string userId, string filterId,
        CancellationToken cancellationToken)
    {
        RequireSelf(requester, userId, "read");
        return await FindAsync(userId, filterId, cancellationToken)
               ?? throw new MatrixException(ErrorCode.NotFound, "No such filter");
    }

    /// <summary>/sync's <c>filter</c>: inline JSON when it starts with '{', else the ID of an uploaded filter.</summary>
    public async Task<SyncFilter> ResolveAsync(Requester requester, string? filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (string.IsNullOrEmpty(filter))
        {
            return SyncFilter.None;
        }

        if (filter.StartsWith('{'))
        {
            return SyncFilter.Parse(filter);
        }

        var userId = requester.UserId.Value;
        if (!long.TryParse(filter, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw new MatrixException(ErrorCode.NotFound, "No such filter");
        }

        if (_parsed.TryGetValue((userId, id), out var cached))
        {
            return cached;
        }

        var json = await store.GetAsync(userId, id, cancellationToken)
                   ?? throw new MatrixException(ErrorCode.NotFound, "No such filter");
        var parsed = SyncFilter.Parse(json);
        if (_parsed.Count >= MaxCachedFilters)
        {
            _parsed.Clear();
        }

        _parsed[(userId, id)] = parsed;
        return parsed;
    }

    private async Task<string?> FindAsync(string userId, string filterId, CancellationToken cancellationToken) =>
        long.TryParse(filterId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? await store.GetAsync(userId, id, cancellationToken)
            : null;

    private static void RequireSelf(Requester requester, string userId, string verb)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (userId != requester.UserId.Value)
        {
            throw new MatrixException(ErrorCode.Forbidden, $"Cannot {verb} filters for other users");
        }
    }
}
