using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>
/// One user long-polling <c>/sync</c> (re-polling at once) on one server and telling when each expected message body
/// shows in a room's timeline: the latency recorded is from the moment its send was started
/// (<see cref="Expect"/>) to the /sync response that held it. A limited timeline (more new events than the filter's
/// limit) is filled from <c>/messages</c> before the response counts as read, as a client would.
/// </summary>
public sealed class DeliveryWatcher
{
    private const int LongPollMs = 30_000;
    private const int GapPages = 20;
    private readonly MatrixApi _api;
    private readonly Session _session;
    private readonly string _roomId;
    private readonly string _filter;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrivals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _sentAt = new(StringComparer.Ordinal);
    private string _since;
    private Recorder _recorder = new();

    public DeliveryWatcher(MatrixApi api, Session session, string roomId, string filter, string since)
    {
        _api = api;
        _session = session;
        _roomId = roomId;
        _filter = filter;
        _since = since;
    }

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
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (await SyncPolling.PollAsync(_api, _session, _since, LongPollMs, _filter, _recorder, stop) is not { } polled)
            {
                continue;
            }

            var (response, at) = polled;

            var timeline = SyncPolling.Timeline(response.Body, _roomId);
            var bodies = Bodies(timeline).ToList();
            if (timeline is { } t && t.TryGetProperty("limited", out var limited) &&
                limited.ValueKind == JsonValueKind.True && t.TryGetProperty("prev_batch", out var prev) &&
                prev.GetString() is { } from)
            {
                bodies.AddRange(await GapAsync(from, stop));
            }

            foreach (var body in bodies)
            {
                if (_sentAt.TryGetValue(body, out var sent) && Arrival(body).TrySetResult())
                {
                    _recorder.Success(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
                }
            }

            _since = response.StringProperty("next_batch") ?? _since;
        }
    }

    /// <summary>Pages back from a limited timeline's start until a page holds a message already seen.</summary>
    private async Task<List<string>> GapAsync(string from, CancellationToken stop)
    {
        var bodies = new List<string>();
        for (var page = 0; page < GapPages; page++)
        {
            var response = await _api.MessagesBackAsync(_session, _roomId, from, 100, stop);
            if (!response.Ok)
            {
                _recorder.Error("messages " + response.ErrorKey);
                break;
            }

            var chunk = response.Body.TryGetProperty("chunk", out var events) ? MessageBodies(events).ToList() : [];
            bodies.AddRange(chunk);
            if (chunk.Count == 0 || chunk.Any(body => Arrival(body).Task.IsCompleted) ||
                response.StringProperty("end") is not { } end)
            {
                break;
            }

            from = end;
        }

        return bodies;
    }

    private TaskCompletionSource Arrival(string body) =>
        _arrivals.GetOrAdd(body, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private static IEnumerable<string> Bodies(JsonElement? timeline) =>
        timeline is { } t && t.TryGetProperty("events", out var events) ? MessageBodies(events) : [];

    private static IEnumerable<string> MessageBodies(JsonElement events) =>
        SyncPolling.Messages(events).Select(e =>
                e.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object &&
                content.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String
                    ? body.GetString()
                    : null)
            .OfType<string>();
}
