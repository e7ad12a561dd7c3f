using System.Diagnostics;
using System.Text.Json;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Client;

/// <summary>What the scenarios that follow /sync share: one long-poll with its failures counted, and reading a room's
/// timeline out of a response.</summary>
public static class SyncPolling
{
    /// <summary>
    /// One /sync long-poll: the response and when it came (<see cref="Stopwatch"/> timestamp), or null when it failed
    /// (counted on <paramref name="recorder"/>; a failing server is asked again after a pause) or
    /// <paramref name="stop"/> was cancelled.
    /// </summary>
    public static async Task<(ApiResponse Response, long At)?> PollAsync(MatrixApi api, Session session, string since,
        int timeoutMs, string filter, Recorder recorder, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(recorder);
        ApiResponse response;
        try
        {
            response = await api.SyncAsync(session, since, timeoutMs, filter, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
        catch (HttpRequestException e)
        {
            recorder.Error("sync exception " + e.GetType().Name);
            return null;
        }

        var at = Stopwatch.GetTimestamp();
        if (!response.Ok)
        {
            recorder.Error("sync " + response.ErrorKey);
            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
            return null;
        }

        return (response, at);
    }

    /// <summary>rooms.join[room].timeline of a /sync response, if there.</summary>
    public static JsonElement? Timeline(JsonElement sync, string roomId) =>
        sync.TryGetProperty("rooms", out var rooms) && rooms.TryGetProperty("join", out var join) &&
        join.TryGetProperty(roomId, out var room) && room.TryGetProperty("timeline", out var timeline)
            ? timeline
            : null;

    /// <summary>The m.room.message events of an event array (a timeline's or a /messages chunk).</summary>
    public static IEnumerable<JsonElement> Messages(JsonElement events)
    {
        if (events.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var e in events.EnumerateArray())
        {
            if (e.TryGetProperty("type", out var type) && type.GetString() == "m.room.message")
            {
                yield return e;
            }
        }
    }
}
