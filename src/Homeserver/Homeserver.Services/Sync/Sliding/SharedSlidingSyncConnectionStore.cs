using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Sync.Sliding;

/// <summary>
/// Sliding sync positions in the shared store (Redis), so that serving a connection writes nothing to Postgres and a
/// reconnect to any process continues. A <c>pos</c> here is <c>r</c> and 16 random hex digits. Per connection, an
/// index entry lists its live positions in the order handed out; saving on <c>basedOn</c> drops the ones before it,
/// and everything expires after <see cref="SlidingSyncConnections.Expiry"/> unused. A lost entry (an outage
/// drops writes; after one the store is cleared) answers M_UNKNOWN_POS and the client starts over, as the MSC has it.
/// </summary>
public sealed class SharedSlidingSyncConnectionStore(ISharedStore shared) : ISlidingSyncConnectionStore
{
    private const string Prefix = "r";
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static bool IsItsPos(string pos) =>
        pos.Length == Prefix.Length + 16 && pos.StartsWith(Prefix, StringComparison.Ordinal) &&
        !pos.AsSpan(Prefix.Length).ContainsAnyExcept(LowerHex);

    public async Task<SlidingPosition?> GetAsync(string userId, string deviceId, string connId, string pos,
        CancellationToken cancellationToken)
    {
        if (!IsItsPos(pos) || await shared.GetAsync(EntryKey(ConnectionKey(userId, deviceId, connId), pos),
                cancellationToken) is not { } bytes)
        {
            return null;
        }

        var entry = JsonSerializer.Deserialize<StoredEntry>(bytes);
        return entry is null ? null : new SlidingPosition(entry.StreamToken, entry.State);
    }

    public async Task<string> SaveAsync(string userId, string deviceId, string connId, string? basedOn,
        string streamToken, string state, CancellationToken cancellationToken)
    {
        var connection = ConnectionKey(userId, deviceId, connId);
        var live = await shared.GetAsync(connection, cancellationToken) is { } bytes
            ? JsonSerializer.Deserialize<List<string>>(bytes) ?? []
            : [];
        var keep = basedOn is not null && live.IndexOf(basedOn) is var at and >= 0 ? at : live.Count;
        foreach (var dropped in live.Take(keep))
        {
            await shared.DeleteAsync(EntryKey(connection, dropped), cancellationToken);
        }

        var pos = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        live = [.. live.Skip(keep), pos];
        await shared.SetAsync(EntryKey(connection, pos),
            JsonSerializer.SerializeToUtf8Bytes(new StoredEntry(streamToken, state)), SlidingSyncConnections.Expiry,
            cancellationToken);
        await shared.SetAsync(connection, JsonSerializer.SerializeToUtf8Bytes(live), SlidingSyncConnections.Expiry,
            cancellationToken);
        return pos;
    }

    // Hashed: user, device and connection IDs are client-chosen text of any length.
    private static string ConnectionKey(string userId, string deviceId, string connId) =>
        "sliding:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\0{deviceId}\0{connId}")));

    private static string EntryKey(string connection, string pos) => connection + ":" + pos;

    private sealed record StoredEntry(
        [property: JsonPropertyName("t")] string StreamToken,
        [property: JsonPropertyName("s")] string State);
}
