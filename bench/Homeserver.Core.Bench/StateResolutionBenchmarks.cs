using BenchmarkDotNet.Attributes;
using Homeserver.Core.Events;
using Homeserver.Core.StateResolution;

namespace Homeserver.Core.Bench;

[MemoryDiagnoser]
[ShortRunJob]
public class StateResolutionBenchmarks
{
    private ForkedRoom _room = null!;
    private InMemoryEventSource _source = null!;

    [Params(10_000)]
    public int EventsPerFork { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _room = new ForkedRoom(EventsPerFork);
        _source = new InMemoryEventSource(_room.Events);
    }

    [Benchmark]
    public async Task<int> Resolve_two_forks_v2_1()
    {
        var resolved = await StateResolver.ResolveAsync(RoomVersions.V12, [_room.StateA, _room.StateB], _source);
        return resolved.Count;
    }
}
