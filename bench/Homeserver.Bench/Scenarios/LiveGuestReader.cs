using System.Diagnostics;
using System.Text.Json;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>
/// One guest reading the event channel: long-polls <c>/sync</c> with its filter (re-polling at once) and records, for
/// each message, the time from the start of its send to the /sync response holding it. A limited timeline is filled
/// from <c>/messages</c>, as a client would; those messages count at the time that page came.
/// </summary>
public sealed class LiveGuestReader
{
    private const int LongPollMs = 30_000;
    private const int GapPages = 10;
    private readonly MatrixApi _api;
    private readonly Session _guest;
    private readonly string _roomId;
    private readonly string _filterId;
    private readonly LiveMessages _messages;
    private readonly bool[] _received;
    private string _since;

    public LiveGuestReader(MatrixApi api, Session guest, string roomId, string filterId, string since,
        LiveMessages messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        _api = api;
        _guest = guest;
        _roomId = roomId;
        _filterId = filterId;
        _since = since;
        _messages = messages;
        _received = new bool[messages.Planned];
    }

    /// <summary>Whether message <paramref name="sequence"/> has reached this guest.</summary>
    public bool Received(int sequence) => _received[sequence];

    /// <summary>Long-polls until <paramref name="stop"/> is cancelled; <paramref name="started"/> is called once the
    /// first long-poll is on its way.</summary>
    public async Task RunAsync(Recorder recorder, Action started, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(started);
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            var poll = SyncPolling.PollAsync(_api, _guest, _since, LongPollMs, _filterId, recorder, stop);
            if (first)
            {
                started();
                first = false;
            }

            if (await poll is not { } polled)
            {
                continue;
            }

            var (response, at) = polled;
            _messages.CountSyncResponse();
            var timeline = SyncPolling.Timeline(response.Body, _roomId);
            if (timeline is { } t && t.TryGetProperty("events", out var events))
            {
                Deliver(events, at, recorder);
                if (t.TryGetProperty("limited", out var limited) && limited.ValueKind == JsonValueKind.True &&
                    t.TryGetProperty("prev_batch", out var prev) && prev.GetString() is { } from)
                {
                    _messages.CountLimitedTimeline();
                    await FillGapAsync(from, recorder, stop);
                }
            }

            _since = response.StringProperty("next_batch") ?? _since;
        }
    }

    private async Task FillGapAsync(string from, Recorder recorder, CancellationToken stop)
    {
        for (var page = 0; page < GapPages && !stop.IsCancellationRequested; page++)
        {
            ApiResponse response;
            try
            {
                response = await _api.MessagesBackAsync(_guest, _roomId, from, 50, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException e)
            {
                recorder.Error("messages exception " + e.GetType().Name);
                return;
            }

            if (!response.Ok)
            {
                recorder.Error("messages " + response.ErrorKey);
                return;
            }

            var at = Stopwatch.GetTimestamp();
            if (!response.Body.TryGetProperty("chunk", out var chunk) || Deliver(chunk, at, recorder) == 0 ||
                response.StringProperty("end") is not { } end)
            {
                return;
            }

            from = end;
        }
    }

    /// <summary>Records the run's messages among <paramref name="events"/> not seen before; returns how many.</summary>
    private int Deliver(JsonElement events, long at, Recorder recorder)
    {
        var fresh = 0;
        foreach (var message in SyncPolling.Messages(events))
        {
            if (!message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Object ||
                !content.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var sequence = _messages.SequenceOf(body.GetString()!);
            if (sequence < 0 || _received[sequence] || _messages.SentAt(sequence) is not (> 0 and var sent))
            {
                continue;
            }

            _received[sequence] = true;
            fresh++;
            _messages.CountDelivery();
            recorder.Success(at > sent ? Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds : 0);
        }

        return fresh;
    }
}
