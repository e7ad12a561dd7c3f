using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Keys;

/// <summary>
/// Unauthenticated JSON requests to another server's federation listener, all key fetching needs: the federation
/// client (server discovery, TLS) implements it. Failures (unreachable, non-2xx, not JSON) throw.
/// </summary>
public interface IServerKeyTransport
{
    Task<JsonElement> GetJsonAsync(ServerName server, string pathAndQuery, CancellationToken cancellationToken);

    Task<JsonElement> PostJsonAsync(ServerName server, string path, JsonNode body, CancellationToken cancellationToken);
}

/// <summary>
/// "Verify key <c>K</c> of server <c>S</c>, valid at time <c>T</c>": for X-Matrix requests (T = now) and event
/// signatures (T = origin_server_ts in room versions 5 and later; null in versions 1 to 4, whose keys never expire).
/// </summary>
public interface IServerKeyResolver
{
    /// <returns>Null when the key is unknown, or known only with a validity ending before <paramref name="validAtTs"/>.</returns>
    Task<ServerVerifyKey?> GetVerifyKeyAsync(ServerName server, string keyId, long? validAtTs,
        CancellationToken cancellationToken);
}

/// <param name="ValidUntilTs">For a current key the lesser of the document's <c>valid_until_ts</c> and 7 days after it
/// was fetched (spec); for an old key its <c>expired_ts</c>.</param>
/// <param name="IsOld">From <c>old_verify_keys</c>: good for old events' signatures, never for requests.</param>
public sealed record ServerVerifyKey(string KeyId, byte[] PublicKey, long ValidUntilTs, bool IsOld);

/// <summary>A remote key as stored, with the whole document it came from (notaries serve the documents).</summary>
public sealed record StoredServerKey(string ServerName, string KeyId, byte[] PublicKey, long ValidUntilTs, bool IsOld,
    string Document, long FetchedTs)
{
    public ServerVerifyKey ToVerifyKey() => new(KeyId, PublicKey, ValidUntilTs, IsOld);
}

/// <summary>Other servers' keys (<c>remote_server_keys</c>).</summary>
public interface IRemoteServerKeyStore
{
    Task<IReadOnlyList<StoredServerKey>> GetAsync(string serverName, CancellationToken cancellationToken);

    /// <summary>Stores each key unless the stored one is valid for longer (the longest validity is kept).</summary>
    Task StoreAsync(IReadOnlyList<StoredServerKey> keys, CancellationToken cancellationToken);
}

/// <summary>This server's signing keys over time (<c>local_signing_keys</c>), for <c>old_verify_keys</c>.</summary>
public interface ILocalSigningKeyStore
{
    /// <summary>
    /// Records the key in use (new keys are added; every other key not yet expired expires now) and returns the
    /// expired ones.
    /// </summary>
    Task<IReadOnlyList<PublishedKey>> RecordCurrentAsync(string keyId, byte[] publicKey, long nowTs,
        CancellationToken cancellationToken);
}
