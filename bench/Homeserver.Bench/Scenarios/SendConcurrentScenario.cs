using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>send-conc: C clients each send into their own room; then C clients send into one shared room.</summary>
public sealed class SendConcurrentScenario : IScenario
{
    private const int WarmupPerClient = 2;

    public string Name => "send-conc";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var clients = context.Sizes.Clients;
        var perClient = context.Sizes.MessagesPerClient;
        context.Announce(Name, $"{clients} users, a room each and one shared room");
        var senders = await context.Registrar.RegisterManyAsync("conc", clients, cancellationToken);
        var ownRooms = new string[clients];
        await Parallel.ForEachAsync(Enumerable.Range(0, clients), Setup.Parallelism(cancellationToken),
            async (i, ct) => ownRooms[i] = await Setup.CreateRoomAsync(context.Api, senders[i], false, $"conc {i}", ct));
        var shared = await Setup.CreateRoomAsync(context.Api, senders[0], true, "conc shared", cancellationToken);
        await Setup.JoinAllAsync(context.Api, senders.Skip(1), shared, cancellationToken);
        await Parallel.ForEachAsync(Enumerable.Range(0, clients), Setup.Parallelism(cancellationToken),
            async (i, ct) => await Setup.SendManyAsync(context.Api, senders[i], ownRooms[i], WarmupPerClient,
                context.NextTxnId(), ct));

        var own = await MeasureAsync(context, $"{Name}/own-rooms",
            $"{clients} clients each send {perClient} messages into their own room", senders, i => ownRooms[i],
            cancellationToken);
        var sharedResult = await MeasureAsync(context, $"{Name}/shared-room",
            $"{clients} clients each send {perClient} messages into one shared room", senders, _ => shared,
            cancellationToken);
        return [own, sharedResult];
    }

    private static async Task<ScenarioResult> MeasureAsync(BenchContext context, string name, string description,
        IReadOnlyList<Session> senders, Func<int, string> roomOf, CancellationToken cancellationToken)
    {
        var clients = senders.Count;
        var perClient = context.Sizes.MessagesPerClient;
        ScenarioResult result;
        await using (var run = context.Begin(name, description, clients, clients * perClient))
        {
            await Load.RunWorkersAsync(clients, perClient, (worker, i, ct) => run.Recorder.TimeAsync(
                c => context.Api.SendMessageAsync(senders[worker], roomOf(worker), context.NextTxnId(), Payload.Text(i), c),
                ct), cancellationToken);
            result = await run.CompleteAsync();
        }

        await context.Baselines.CompareAsync(result, clients, perClient, cancellationToken);
        return result;
    }
}
