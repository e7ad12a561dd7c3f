using System.Text.Json;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>initial-sync: a user in R rooms with M messages each does a first /sync (no since, the server's default timeline limit), several times.</summary>
public sealed class InitialSyncScenario : IScenario
{
    public string Name => "initial-sync";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var rooms = context.Sizes.Rooms;
        var perRoom = context.Sizes.RoomMessages;
        var repeats = context.Sizes.Repeats;
        context.Announce(Name, $"a user in {rooms} rooms with {perRoom} messages each");
        var user = await context.Registrar.RegisterAsync("initial", cancellationToken);
        // Rooms are created one after another: two identical createRoom calls of one user in the same millisecond make
        // the same create event, hence (room version 12) the same room ID, which some servers answer with a 500.
        var roomIds = new List<string>();
        for (var i = 0; i < rooms; i++)
        {
            roomIds.Add(await Setup.CreateRoomAsync(context.Api, user, false, $"initial {i}", cancellationToken));
        }

        await Parallel.ForEachAsync(roomIds, Setup.Parallelism(cancellationToken), async (room, ct) =>
            await Setup.SendManyAsync(context.Api, user, room, perRoom, context.NextTxnId(), ct));

        await using var run = context.Begin(Name, $"first /sync of a user in {rooms} rooms x {perRoom} messages",
            1, repeats);
        var roomsSeen = 0;
        for (var i = 0; i < repeats; i++)
        {
            var response = await run.Recorder.TimeAsync(ct => context.Api.SyncAsync(user, null, 0, null, ct),
                cancellationToken);
            if (response is { Ok: true })
            {
                roomsSeen = JoinedRooms(response.Body);
            }
        }

        var result = await run.CompleteAsync(new Dictionary<string, double> { ["rooms_in_response"] = roomsSeen });
        if (roomsSeen < rooms)
        {
            await context.Progress.WriteLineAsync($"[{Name}] warning: the sync held {roomsSeen} of {rooms} rooms");
        }

        result.Targets.Add(new TargetCheck("p50 < 250 ms (issue's target at 100 rooms x 20 messages)",
            result.Latency.P50 < 250));
        return [result];
    }

    private static int JoinedRooms(JsonElement sync) =>
        sync.TryGetProperty("rooms", out var r) && r.TryGetProperty("join", out var join) &&
        join.ValueKind == JsonValueKind.Object
            ? join.EnumerateObject().Count()
            : 0;
}
