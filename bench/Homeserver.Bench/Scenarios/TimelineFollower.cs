using System.Diagnostics;
using System.Text.Json;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>What a <see cref="TimelineFollower"/> hands the room's messages to.</summary>
public interface ITimelineReader
{
    /// <summary>Where failed /sync and /messages calls are counted (read at each failure: it may change between
    /// phases).</summary>
    Recorder Recorder { get; }

    /// <summary>Takes the message bodies of a /sync timeline or a /messages page that came at <paramref name="at"/>
    /// (a <see cref="Stopwatch"/> timestamp); returns how many it had not had before.</summary>
    int Take(IReadOnlyList<string> bodies, long at);

    /// <summary>A /sync response came; <paramref name="limited"/> when the room's timeline in it was limited.</summary>
    void SyncResponse(bool limited)
    {
    }
}

/// <summary>
/// One user following a room as a client does: long-polls <c>/sync</c> with a filter (re-polling at once) and hands
/// each response's messages in the room to an <see cref="ITimelineReader"/>. A limited timeline (more new events than
/// the filter's limit) is filled from <c>/messages</c>, page by page back from its start until a page reaches a message
/// the reader had (or holds none); each page's messages count at the time that page came.
/// </summary>
public sealed class TimelineFollower
{
    private const int LongPollMs = 30_000;
    private readonly MatrixApi _api;
    private readonly Session _session;
    private readonly string _roomId;
    private readonly string _filter;
    private readonly int _gapPageSize;
    private readonly int _gapPages;
    private string _since;

    /// <param name="gapPageSize">Events asked for per /messages page when filling a gap.</param>
    /// <param name="gapPages">Pages at most per gap.</param>
    public TimelineFollower(MatrixApi api, Session session, string roomId, string filter, string since,
        int gapPageSize, int gapPages)
    {
        _api = api;
        _session = session;
        _roomId = roomId;
        _filter = filter;
        _since = since;
        _gapPageSize = gapPageSize;
        _gapPages = gapPages;
    }

    /// <summary>Long-polls until <paramref name="stop"/> is cancelled; <paramref name="started"/>, when given, is
    /// called once the first long-poll is on its way.</summary>
    public async Task RunAsync(ITimelineReader reader, Action? started, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            var poll = SyncPolling.PollAsync(_api, _session, _since, LongPollMs, _filter, reader.Recorder, stop);
            if (first)
            {
                started?.Invoke();
                first = false;
            }

            if (await poll is not { } polled)
            {
                continue;
            }

            var (response, at) = polled;
            var timeline = SyncPolling.Timeline(response.Body, _roomId);
            var gapFrom = timeline is { } t && t.TryGetProperty("limited", out var limited) &&
                          limited.ValueKind == JsonValueKind.True && t.TryGetProperty("prev_batch", out var prev)
                ? prev.GetString()
                : null;
            reader.SyncResponse(gapFrom is not null);
            if (timeline is { } withEvents && withEvents.TryGetProperty("events", out var events))
            {
                reader.Take(MessageBodies(events), at);
                if (gapFrom is not null)
                {
                    await FillGapAsync(reader, gapFrom, stop);
                }
            }

            _since = response.StringProperty("next_batch") ?? _since;
        }
    }

    private async Task FillGapAsync(ITimelineReader reader, string from, CancellationToken stop)
    {
        for (var page = 0; page < _gapPages && !stop.IsCancellationRequested; page++)
        {
            ApiResponse response;
            try
            {
                response = await _api.MessagesBackAsync(_session, _roomId, from, _gapPageSize, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException e)
            {
                reader.Recorder.Error("messages exception " + e.GetType().Name);
                return;
            }

            if (!response.Ok)
            {
                reader.Recorder.Error("messages " + response.ErrorKey);
                return;
            }

            // The gap is closed once a page reaches a message the reader had: everything before it came earlier.
            var at = Stopwatch.GetTimestamp();
            if (!response.Body.TryGetProperty("chunk", out var chunk) || MessageBodies(chunk) is not { } bodies ||
                reader.Take(bodies, at) is var fresh && (fresh == 0 || fresh < bodies.Count) ||
                response.StringProperty("end") is not { } end)
            {
                return;
            }

            from = end;
        }
    }

    private static List<string> MessageBodies(JsonElement events) =>
        SyncPolling.Messages(events).Select(e =>
                e.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object &&
                content.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String
                    ? body.GetString()
                    : null)
            .OfType<string>().ToList();
}
