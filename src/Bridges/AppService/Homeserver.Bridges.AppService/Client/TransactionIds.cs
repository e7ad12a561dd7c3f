using System.Globalization;
using System.Security.Cryptography;

namespace Homeserver.Bridges.AppService.Client;

/// <summary>
/// Transaction IDs for sends: unique across restarts (a random prefix per process) and kept for every retry of one
/// request, so the homeserver never stores a retried send twice. Bridges that must survive a crash between the send
/// and their own bookkeeping pass a stable ID derived from the remote message instead (<see cref="Stable"/>).
/// </summary>
public sealed class TransactionIds
{
    private readonly string _prefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
    private long _counter;

    public string Next() => $"{_prefix}.{Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A transaction ID that is the same whenever the same remote thing is sent (e.g. "discord.msg.123").</summary>
    public static string Stable(params string[] parts) =>
        string.Join('.', parts.Select(p => Uri.EscapeDataString(p)));
}
