using System.Diagnostics;
using BenchmarkDotNet.Running;
using Homeserver.Core.Bench;

// "quick-state-resolution" times 20 resolutions with a stopwatch, for fast feedback while optimising;
// "quick-push" prints push rule evaluation time for one message in a 10,000-member room;
// "quick-room-head" prints what one state event costs a big room's head (bytes and time, before/after);
// "quick-live-posting" prints what the live posting rules add to one send (no live state; an open schedule);
// "quick-signing" prints Ed25519 sign and verify of a 5 KB event (median of batches);
// anything else goes to BenchmarkDotNet (for example: --filter '*').
if (args is ["quick-room-head"])
{
    await RoomHeadBenchmarks.PrintQuickAsync(Console.Out);
    return;
}

if (args is ["quick-signing"])
{
    await JsonAndSigningBenchmarks.PrintQuickSigningAsync(Console.Out);
    return;
}

if (args is ["quick-live-posting"])
{
    await LivePostingBenchmarks.PrintQuickAsync(Console.Out);
    return;
}

if (args is ["quick-push"])
{
    await PushEvaluationBenchmarks.PrintQuickAsync(Console.Out);
    return;
}

if (args is ["quick-state-resolution"])
{
    var benchmark = new StateResolutionBenchmarks { EventsPerFork = 10_000 };
    benchmark.Setup();
    for (var i = 0; i < 20; i++)
    {
        var stopwatch = Stopwatch.StartNew();
        await benchmark.Resolve_two_forks_v2_1();
        await Console.Out.WriteLineAsync($"{stopwatch.Elapsed.TotalMilliseconds:F1} ms");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
