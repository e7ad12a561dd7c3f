using System.Text.Json.Nodes;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Keys;

/// <summary>
/// The cross-signing part of /keys/query: users' master and self-signing keys (the user-signing key only to its own
/// user), with the signatures uploaded over them and over devices. A user's own signatures are shown to everyone;
/// another user's signature (made with their user-signing key) only to that user. A stored key that cannot be served
/// is left out (<see cref="StoredKeys"/>).
/// </summary>
public sealed class CrossSigningKeyReader(ICrossSigningKeyStore store, StoredKeys storedKeys)
{
    public const string Master = "master";
    public const string SelfSigning = "self_signing";
    public const string UserSigning = "user_signing";

    public Task<IReadOnlyList<KeySignature>> GetSignaturesAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken) => store.GetSignaturesAsync(userIds, cancellationToken);

    /// <summary>Adds master_keys, self_signing_keys and user_signing_keys to a query response.</summary>
    public Task AddToQueryAsync(JsonObject response, Requester requester, IReadOnlyCollection<string> userIds,
        IReadOnlyList<KeySignature> signatures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        return AddToQueryAsync(response, requester.UserId.Value, userIds, signatures, cancellationToken);
    }

    /// <summary>Adds the keys for <paramref name="viewerUserId"/>; for another server (null), master_keys and
    /// self_signing_keys only, with the users' own signatures.</summary>
    public async Task AddToQueryAsync(JsonObject response, string? viewerUserId, IReadOnlyCollection<string> userIds,
        IReadOnlyList<KeySignature> signatures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var master = new JsonObject();
        var selfSigning = new JsonObject();
        var userSigning = new JsonObject();
        foreach (var key in await store.GetCrossSigningKeysAsync(userIds, cancellationToken))
        {
            if (storedKeys.CrossSigningKey(key) is not { } json)
            {
                continue;
            }

            switch (key.Usage)
            {
                case Master:
                    MergeSignatures(json, signatures, key.UserId, StoredKeys.CrossSigningPublicKey(json)!,
                        viewerUserId);
                    master[key.UserId] = json;
                    break;
                case SelfSigning:
                    selfSigning[key.UserId] = json;
                    break;
                case UserSigning when key.UserId == viewerUserId:
                    userSigning[key.UserId] = json;
                    break;
            }
        }

        response["master_keys"] = master;
        response["self_signing_keys"] = selfSigning;
        if (viewerUserId is not null)
        {
            response["user_signing_keys"] = userSigning;
        }
    }

    /// <summary>Adds the stored signatures over one key (a device ID or a master public key) that the viewer may see.</summary>
    public static void MergeSignatures(JsonObject json, IReadOnlyList<KeySignature> signatures, string targetUserId,
        string targetKeyId, string? viewerUserId)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(signatures);
        foreach (var signature in signatures)
        {
            if (signature.TargetUserId != targetUserId || signature.TargetKeyId != targetKeyId ||
                (signature.SignerUserId != targetUserId && signature.SignerUserId != viewerUserId))
            {
                continue;
            }

            var all = json["signatures"] as JsonObject ?? (JsonObject)(json["signatures"] = new JsonObject());
            var bySigner = all[signature.SignerUserId] as JsonObject ??
                           (JsonObject)(all[signature.SignerUserId] = new JsonObject());
            bySigner[signature.SignerKeyId] = signature.Signature;
        }
    }
}
