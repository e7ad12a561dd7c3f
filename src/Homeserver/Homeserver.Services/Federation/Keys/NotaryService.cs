using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Core.Signing;

namespace Homeserver.Services.Federation.Keys;

/// <summary>
/// Answers <c>/_matrix/key/v2/query</c> as a notary: for each server asked about, the stored key documents that hold
/// the keys asked for (all of the server's when none are named), fetched from the server itself first when none is
/// valid until <c>minimum_valid_until_ts</c> (now when not given), each co-signed by us. A server that cannot be
/// reached is answered from what is stored (the spec asks notaries to keep serving the last response), or left out.
/// Our own keys are answered with our current document. Queries cost an origin at most one fetch per
/// <see cref="ServerKeyResolver.RetryInterval"/>, however many arrive.
/// </summary>
public sealed class NotaryService(LocalServerKeys localKeys, IRemoteServerKeyStore store, ServerKeyFetcher fetcher,
    TimeProvider time)
{
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastFetches = new(StringComparer.Ordinal);

    public async Task<JsonObject> QueryAsync(IReadOnlyList<ServerKeyQuery> queries,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var documents = new JsonArray();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (server, keys, minimumForAll) in queries)
        {
            if (server.Value == localKeys.ServerName)
            {
                documents.Add(await localKeys.GetDocumentAsync(cancellationToken));
                continue;
            }

            var stored = await store.GetAsync(server.Value, cancellationToken);
            if (!Satisfied(stored, keys, minimumForAll ?? now, now) && MayFetch(server.Value))
            {
                var minimum = keys.Count == 0 ? minimumForAll ?? now : keys.Values.Max(v => v ?? now);
                if (await fetcher.FetchAsync(server, keys.Keys.ToList(), minimum, viaNotaries: false,
                        cancellationToken))
                {
                    stored = await store.GetAsync(server.Value, cancellationToken);
                }
            }

            var wanted = keys.Count == 0 ? stored : stored.Where(k => keys.ContainsKey(k.KeyId));
            foreach (var text in wanted.Select(k => k.Document).Distinct(StringComparer.Ordinal))
            {
                if (JsonNode.Parse(text) is JsonObject document)
                {
                    documents.Add(JsonSigning.Sign(document, localKeys.ServerName, localKeys.Current));
                }
            }
        }

        return new JsonObject { ["server_keys"] = documents };
    }

    private bool MayFetch(string server)
    {
        var now = time.GetUtcNow();
        if (_lastFetches.TryGetValue(server, out var last) && now - last < ServerKeyResolver.RetryInterval)
        {
            return false;
        }

        if (_lastFetches.Count >= MaxRemembered)
        {
            foreach (var (name, at) in _lastFetches)
            {
                if (now - at >= ServerKeyResolver.RetryInterval)
                {
                    _lastFetches.TryRemove(name, out _);
                }
            }
        }

        _lastFetches[server] = now;
        return true;
    }

    private static bool Satisfied(IReadOnlyList<StoredServerKey> stored, IReadOnlyDictionary<string, long?> keys,
        long minimumForAll, long now)
    {
        if (keys.Count == 0)
        {
            return stored.Any(k => !k.IsOld && k.ValidUntilTs >= minimumForAll);
        }

        return keys.All(wanted => stored.Any(k => k.KeyId == wanted.Key && k.ValidUntilTs >= (wanted.Value ?? now)));
    }
}

/// <summary>One server of a notary query.</summary>
/// <param name="KeyIds">Key ID to the minimum validity asked for (null: now); empty for all of the server's keys.</param>
/// <param name="MinimumValidUntilTs">With no key IDs: the validity asked for (null: now).</param>
public sealed record ServerKeyQuery(ServerName Server, IReadOnlyDictionary<string, long?> KeyIds,
    long? MinimumValidUntilTs);
