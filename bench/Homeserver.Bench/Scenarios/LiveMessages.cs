using System.Diagnostics;
using System.Globalization;

namespace Homeserver.Bench.Scenarios;

/// <summary>
/// The messages of one live-guests run: message <c>n</c>'s body names <c>n</c>, and <see cref="SentAt"/>(n) is when its
/// send request was started (a <see cref="Stopwatch"/> timestamp; 0 until then, and again if the send failed).
/// </summary>
public sealed class LiveMessages
{
    private const string Prefix = "live ";
    private readonly long[] _sentAt;
    private long _delivered;
    private long _syncResponses;
    private long _limitedTimelines;

    public LiveMessages(int planned) => _sentAt = new long[planned];

    public int Planned => _sentAt.Length;

    /// <summary>Messages whose send was started and did not fail.</summary>
    public int Sent => Enumerable.Range(0, Planned).Count(n => SentAt(n) > 0);

    /// <summary>When message <paramref name="sequence"/>'s send was started, or 0.</summary>
    public long SentAt(int sequence) => Volatile.Read(ref _sentAt[sequence]);

    /// <summary>Message <paramref name="sequence"/>'s send starts now (<see cref="Stopwatch"/> timestamp).</summary>
    public void MarkSending(int sequence, long at) => Volatile.Write(ref _sentAt[sequence], at);

    /// <summary>Its send failed: no guest is to expect it.</summary>
    public void Forget(int sequence) => Volatile.Write(ref _sentAt[sequence], 0);

    /// <summary>Deliveries so far, over every guest.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Long-polls answered (deliveries over this is how many messages one /sync response held on average).</summary>
    public long SyncResponses => Interlocked.Read(ref _syncResponses);

    /// <summary>Timelines that came back limited (more new messages than the filter's limit), filled from /messages.</summary>
    public long LimitedTimelines => Interlocked.Read(ref _limitedTimelines);

    /// <summary>A short chat line, as a live event's chat has.</summary>
    public static string Body(int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{sequence}: what a set, the drop at the end was huge");

    /// <summary>The message number in a body this run wrote, or -1.</summary>
    public int SequenceOf(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!body.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return -1;
        }

        var end = body.IndexOf(':', Prefix.Length);
        return end > 0 && int.TryParse(body.AsSpan(Prefix.Length, end - Prefix.Length), NumberStyles.None,
                   CultureInfo.InvariantCulture, out var sequence) && sequence < Planned
            ? sequence
            : -1;
    }

    public void CountDelivery() => Interlocked.Increment(ref _delivered);

    public void CountSyncResponse() => Interlocked.Increment(ref _syncResponses);

    public void CountLimitedTimeline() => Interlocked.Increment(ref _limitedTimelines);
}
