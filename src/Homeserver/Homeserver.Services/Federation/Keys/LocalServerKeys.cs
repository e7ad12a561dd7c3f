using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Federation;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Federation.Keys;

/// <summary>
/// This server's key document (<c>GET /_matrix/key/v2/server</c>): the signing key from the key file, the keys used
/// before it (recorded in <c>local_signing_keys</c> the first time this process needs them: a new key file is a
/// rotation, the previous key becomes an old key expiring at that moment), valid for a day as Synapse's
/// <c>key_refresh_interval</c> default, signed by the current key.
/// </summary>
public sealed class LocalServerKeys(HomeserverSettings settings, SigningKey signingKey, ILocalSigningKeyStore store,
    TimeProvider time) : IDisposable
{
    public static readonly TimeSpan ValidityPeriod = TimeSpan.FromDays(1);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private IReadOnlyList<PublishedKey>? _oldKeys;

    public SigningKey Current => signingKey;

    public string ServerName => settings.ServerName.Value;

    public async Task<JsonObject> GetDocumentAsync(CancellationToken cancellationToken)
    {
        var oldKeys = await GetOldKeysAsync(cancellationToken);
        var validUntil = time.GetUtcNow().Add(ValidityPeriod).ToUnixTimeMilliseconds();
        return ServerKeyDocument.Create(ServerName, signingKey, oldKeys, validUntil);
    }

    /// <summary>Our own key by ID: the current one (valid for the document's period from now) or an old one.</summary>
    public async Task<ServerVerifyKey?> GetKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        if (keyId == signingKey.KeyId)
        {
            return new ServerVerifyKey(keyId, signingKey.KeyPair.PublicKey,
                time.GetUtcNow().Add(ValidityPeriod).ToUnixTimeMilliseconds(), IsOld: false);
        }

        var old = (await GetOldKeysAsync(cancellationToken)).FirstOrDefault(k => k.KeyId == keyId);
        return old is null ? null : new ServerVerifyKey(keyId, old.PublicKey, old.ExpiredTs!.Value, IsOld: true);
    }

    public void Dispose() => _loading.Dispose();

    private async Task<IReadOnlyList<PublishedKey>> GetOldKeysAsync(CancellationToken cancellationToken)
    {
        if (_oldKeys is { } known)
        {
            return known;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            return _oldKeys ??= await store.RecordCurrentAsync(signingKey.KeyId, signingKey.KeyPair.PublicKey,
                time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        }
        finally
        {
            _loading.Release();
        }
    }
}
