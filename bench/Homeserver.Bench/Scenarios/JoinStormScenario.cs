using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>join-storm: J users join one public room at once.</summary>
public sealed class JoinStormScenario : IScenario
{
    public string Name => "join-storm";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var joiners = context.Sizes.Joiners;
        context.Announce(Name, $"{joiners} users and a public room");
        var owner = await context.Registrar.RegisterAsync("storm_owner", cancellationToken);
        var users = await context.Registrar.RegisterManyAsync("storm", joiners, cancellationToken);
        var room = await Setup.CreateRoomAsync(context.Api, owner, true, "join-storm", cancellationToken);

        await using var run = context.Begin(Name, $"{joiners} users join one public room at once", joiners, joiners);
        await Load.RunWorkersAsync(joiners, 1,
            (worker, _, ct) => run.Recorder.TimeAsync(c => context.Api.JoinAsync(users[worker], room, c), ct),
            cancellationToken);
        return [await run.CompleteAsync()];
    }
}
