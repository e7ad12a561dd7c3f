using System.Collections.Concurrent;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Federation.Keys;

/// <summary>
/// Answers "key K of server S valid at T" from our own keys, the stored keys of other servers, or a fetch when the key
/// is unknown or known only until before T. Fetches are bounded: one at a time per server (a stripe of locks), and a
/// key asked for in vain is not fetched again for <see cref="RetryInterval"/>, however many requests name it.
/// </summary>
public sealed class ServerKeyResolver(HomeserverSettings settings, LocalServerKeys localKeys,
    IRemoteServerKeyStore store, ServerKeyFetcher fetcher, TimeProvider time) : IServerKeyResolver
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMinutes(1);

    private const int MaxRemembered = 10_000;
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly ConcurrentDictionary<(string Server, string KeyId), DateTimeOffset> _lastAttempts = new();

    public async Task<ServerVerifyKey?> GetVerifyKeyAsync(ServerName server, string keyId, long? validAtTs,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        if (server == settings.ServerName)
        {
            return Usable(await localKeys.GetKeyAsync(keyId, cancellationToken), validAtTs);
        }

        if (await FindStoredAsync(server, keyId, validAtTs, cancellationToken) is { } stored)
        {
            return stored;
        }

        var gate = _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(server.Value) % _locks.Length)];
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another request may have fetched it while this one waited.
            if (await FindStoredAsync(server, keyId, validAtTs, cancellationToken) is { } fetched)
            {
                return fetched;
            }

            var now = time.GetUtcNow();
            if (_lastAttempts.TryGetValue((server.Value, keyId), out var last) && now - last < RetryInterval)
            {
                return null;
            }

            Remember((server.Value, keyId), now);
            var minimum = validAtTs ?? now.ToUnixTimeMilliseconds();
            await fetcher.FetchAsync(server, [keyId], minimum, viaNotaries: true, cancellationToken);
            return await FindStoredAsync(server, keyId, validAtTs, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ServerVerifyKey?> FindStoredAsync(ServerName server, string keyId, long? validAtTs,
        CancellationToken cancellationToken)
    {
        var keys = await store.GetAsync(server.Value, cancellationToken);
        return Usable(keys.FirstOrDefault(k => k.KeyId == keyId)?.ToVerifyKey(), validAtTs);
    }

    // Room versions 1 to 4 ignore valid_until_ts (validAtTs null): any key the server published will do.
    private static ServerVerifyKey? Usable(ServerVerifyKey? key, long? validAtTs) =>
        key is not null && (validAtTs is null || key.ValidUntilTs >= validAtTs) ? key : null;

    private void Remember((string, string) key, DateTimeOffset now)
    {
        if (_lastAttempts.Count >= MaxRemembered)
        {
            foreach (var (entry, at) in _lastAttempts)
            {
                if (now - at >= RetryInterval)
                {
                    _lastAttempts.TryRemove(entry, out _);
                }
            }
        }

        _lastAttempts[key] = now;
    }
}
