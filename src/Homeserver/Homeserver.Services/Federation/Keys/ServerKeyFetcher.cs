using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;
using Homeserver.Core.Signing;
using Homeserver.Services.Configuration;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Keys;

/// <summary>
/// Fetches a server's key documents, through the trusted notaries first (when configured) and then from the server
/// itself, checks them (<see cref="ServerKeyDocument.TryRead"/>; a notary's answer also needs the notary's signature
/// by a configured key) and stores their keys. A document that fails a check is dropped and logged.
/// </summary>
public sealed partial class ServerKeyFetcher(IServerKeyTransport transport, IRemoteServerKeyStore store,
    HomeserverSettings settings, TimeProvider time, ILogger<ServerKeyFetcher> logger)
{
    /// <summary>The spec's cap: a fetched key counts as valid for at most this long after it was fetched.</summary>
    public static readonly TimeSpan MaximumValidity = TimeSpan.FromDays(7);

    public const string ServerKeyPath = "/_matrix/key/v2/server";
    public const string NotaryQueryPath = "/_matrix/key/v2/query";

    /// <param name="viaNotaries">False for our own notary answers, which ask the origin itself.</param>
    /// <returns>Whether any document was stored.</returns>
    public async Task<bool> FetchAsync(ServerName server, IReadOnlyCollection<string> keyIds, long minimumValidUntilTs,
        bool viaNotaries, CancellationToken cancellationToken)
    {
        if (viaNotaries)
        {
            foreach (var notary in settings.KeyServers.TrustedKeyServers)
            {
                if (await FetchFromNotaryAsync(notary, server, keyIds, minimumValidUntilTs, cancellationToken))
                {
                    return true;
                }
            }
        }

        try
        {
            var document = await transport.GetJsonAsync(server, ServerKeyPath, cancellationToken);
            return await StoreCheckedAsync(server, document, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFetchFailed(logger, server.Value, server.Value, e.Message);
            return false;
        }
    }

    private async Task<bool> FetchFromNotaryAsync(TrustedKeyServer notary, ServerName server,
        IReadOnlyCollection<string> keyIds, long minimumValidUntilTs, CancellationToken cancellationToken)
    {
        var criteria = new JsonObject();
        foreach (var keyId in keyIds)
        {
            criteria[keyId] = new JsonObject { ["minimum_valid_until_ts"] = minimumValidUntilTs };
        }

        var body = new JsonObject { ["server_keys"] = new JsonObject { [server.Value] = criteria } };
        try
        {
            var answer = await transport.PostJsonAsync(notary.ServerName, NotaryQueryPath, body, cancellationToken);
            if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("server_keys", out var documents) ||
                documents.ValueKind != JsonValueKind.Array)
            {
                LogFetchFailed(logger, server.Value, notary.ServerName.Value, "the answer has no server_keys array");
                return false;
            }

            var stored = false;
            foreach (var document in documents.EnumerateArray())
            {
                if (!SignedByNotary(document, notary))
                {
                    LogFetchFailed(logger, server.Value, notary.ServerName.Value,
                        "a document is not signed by the notary with a configured key");
                    continue;
                }

                stored |= await StoreCheckedAsync(server, document, cancellationToken);
            }

            return stored;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFetchFailed(logger, server.Value, notary.ServerName.Value, e.Message);
            return false;
        }
    }

    private static bool SignedByNotary(JsonElement document, TrustedKeyServer notary) =>
        notary.VerifyKeys.Any(key =>
            JsonSigning.Verify(document, notary.ServerName.Value, key.Key, key.Value).IsValid);

    private async Task<bool> StoreCheckedAsync(ServerName server, JsonElement document,
        CancellationToken cancellationToken)
    {
        if (!ServerKeyDocument.TryRead(document, server.Value, out var keys, out var error))
        {
            LogRefused(logger, server.Value, error);
            return false;
        }

        var now = time.GetUtcNow();
        var cap = now.Add(MaximumValidity).ToUnixTimeMilliseconds();
        var text = document.GetRawText();
        var rows = keys!.Keys.Select(key => new StoredServerKey(server.Value, key.KeyId, key.PublicKey,
            key.ExpiredTs ?? Math.Min(keys.ValidUntilTs, cap), key.IsOld, text, now.ToUnixTimeMilliseconds())).ToList();
        await store.StoreAsync(rows, cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keys of {ServerName} not fetched from {Source}: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string serverName, string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key document of {ServerName} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string serverName, string reason);
}
