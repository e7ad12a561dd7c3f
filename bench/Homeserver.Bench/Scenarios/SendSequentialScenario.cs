using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>send-seq: one client sends N messages one after another into one room.</summary>
public sealed class SendSequentialScenario : IScenario
{
    private const int Warmup = 10;

    public string Name => "send-seq";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var count = context.Sizes.Messages;
        context.Announce(Name, "a user and a room");
        var sender = await context.Registrar.RegisterAsync("seq", cancellationToken);
        var room = await Setup.CreateRoomAsync(context.Api, sender, false, "send-seq", cancellationToken);
        await Setup.SendManyAsync(context.Api, sender, room, Warmup, context.NextTxnId(), cancellationToken);

        await using var run = context.Begin(Name, $"1 client sends {count} messages one after another into one room", 1,
            count);
        for (var i = 0; i < count; i++)
        {
            await run.Recorder.TimeAsync(
                ct => context.Api.SendMessageAsync(sender, room, context.NextTxnId(), Payload.Text(i), ct),
                cancellationToken);
        }

        var result = await run.CompleteAsync();
        await context.Baselines.CompareAsync(result, 1, count, cancellationToken);
        return [result];
    }
}
