using System.Diagnostics;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>
/// One guest reading the event channel (<see cref="TimelineFollower"/> with the guest's filter) and recording, for
/// each of the run's messages, the time from the start of its send to the /sync response (or, for a limited
/// timeline, the /messages page) holding it.
/// </summary>
public sealed class LiveGuestReader : ITimelineReader
{
    private const int GapPageSize = 50;
    private const int GapPages = 10;
    private readonly TimelineFollower _follower;
    private readonly LiveMessages _messages;
    private readonly bool[] _received;
    private Recorder _recorder = new();

    public LiveGuestReader(MatrixApi api, Session guest, string roomId, string filterId, string since,
        LiveMessages messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        _follower = new TimelineFollower(api, guest, roomId, filterId, since, GapPageSize, GapPages);
        _messages = messages;
        _received = new bool[messages.Planned];
    }

    Recorder ITimelineReader.Recorder => _recorder;

    /// <summary>Whether message <paramref name="sequence"/> has reached this guest.</summary>
    public bool Received(int sequence) => _received[sequence];

    /// <summary>Long-polls until <paramref name="stop"/> is cancelled; <paramref name="started"/> is called once the
    /// first long-poll is on its way.</summary>
    public Task RunAsync(Recorder recorder, Action started, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(started);
        _recorder = recorder;
        return _follower.RunAsync(this, started, stop);
    }

    void ITimelineReader.SyncResponse(bool limited)
    {
        _messages.CountSyncResponse();
        if (limited)
        {
            _messages.CountLimitedTimeline();
        }
    }

    /// <summary>Records the run's messages among <paramref name="bodies"/> not seen before; returns how many.</summary>
    int ITimelineReader.Take(IReadOnlyList<string> bodies, long at)
    {
        var fresh = 0;
        foreach (var body in bodies)
        {
            var sequence = _messages.SequenceOf(body);
            if (sequence < 0 || _received[sequence] || _messages.SentAt(sequence) is not (> 0 and var sent))
            {
                continue;
            }

            _received[sequence] = true;
            fresh++;
            _messages.CountDelivery();
            _recorder.Success(at > sent ? Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds : 0);
        }

        return fresh;
    }
}
