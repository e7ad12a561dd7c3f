using System.Collections.Concurrent;
using System.Diagnostics;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>
/// One user following a room on one server (<see cref="TimelineFollower"/>) and telling when each expected message
/// body shows: the latency recorded is from the moment its send was started (<see cref="Expect"/>) to the /sync
/// response (or, for a limited timeline, the /messages page) that held it.
/// </summary>
public sealed class DeliveryWatcher : ITimelineReader
{
    private const int GapPageSize = 100;
    private const int GapPages = 20;
    private readonly TimelineFollower _follower;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrivals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _sentAt = new(StringComparer.Ordinal);
    private Recorder _recorder = new();

    public DeliveryWatcher(MatrixApi api, Session session, string roomId, string filter, string since) =>
        _follower = new TimelineFollower(api, session, roomId, filter, since, GapPageSize, GapPages);

    Recorder ITimelineReader.Recorder => _recorder;

    /// <summary>Where this phase's deliveries (and sync failures) are counted.</summary>
    public void RecordInto(Recorder recorder) => _recorder = recorder;

    /// <summary>A message with <paramref name="body"/> is being sent now (<see cref="Stopwatch"/> timestamp).</summary>
    public void Expect(string body, long startedAt) => _sentAt[body] = startedAt;

    /// <summary>Its send failed: nothing to wait for.</summary>
    public void Forget(string body) => _sentAt.TryRemove(body, out _);

    /// <summary>Completes when the message with <paramref name="body"/> has shown in this user's /sync.</summary>
    public Task ArrivalOf(string body) => Arrival(body).Task;

    /// <summary>Expected bodies that have not shown (yet).</summary>
    public int Missing => _sentAt.Keys.Count(body => !Arrival(body).Task.IsCompleted);

    /// <summary>Long-polls until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop) => _follower.RunAsync(this, started: null, stop);

    int ITimelineReader.Take(IReadOnlyList<string> bodies, long at)
    {
        var fresh = 0;
        foreach (var body in bodies)
        {
            if (_sentAt.TryGetValue(body, out var sent) && Arrival(body).TrySetResult())
            {
                fresh++;
                _recorder.Success(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
            }
        }

        return fresh;
    }

    private TaskCompletionSource Arrival(string body) =>
        _arrivals.GetOrAdd(body, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
