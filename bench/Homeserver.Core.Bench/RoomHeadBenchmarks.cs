using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;

namespace Homeserver.Core.Bench;

/// <summary>
/// What one state event costs the room writer's head in a big room: the head as it was (every state event copied the
/// room's whole state into a new dictionary) against the persistent map <see cref="RoomHead.After(Pdu)"/> uses now.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RoomHeadBenchmarks
{
    private const string RoomId = "!big:bench.local";
    private ImmutableDictionary<TypeAndStateKey, Pdu> _persistent = null!;
    private Dictionary<TypeAndStateKey, Pdu> _copied = null!;
    private RoomHead _head = null!;
    private Pdu _join = null!;

    [Params(10_000, 100_000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var members = Enumerable.Range(0, Members).Select(Member).ToList();
        _persistent = members.ToImmutableDictionary(p => p.StateEntryKey);
        _copied = members.ToDictionary(p => p.StateEntryKey);
        _head = new RoomHead(RoomId, RoomVersions.V12, [], _persistent, 1, 1);
        _join = Member(Members);
    }

    /// <summary>Before: <c>new Dictionary(State) { [key] = pdu }</c> on every state event.</summary>
    [Benchmark(Baseline = true)]
    public int Copy_whole_state() => new Dictionary<TypeAndStateKey, Pdu>(_copied) { [_join.StateEntryKey] = _join }.Count;

    /// <summary>After: the next head shares all but the changed entry.</summary>
    [Benchmark]
    public int Persistent_state() => _head.After(_join).State.Count;

    /// <summary>Allocated bytes and time per state event, both ways, without BenchmarkDotNet (a few seconds).</summary>
    public static async Task PrintQuickAsync(TextWriter output)
    {
        foreach (var members in new[] { 10_000, 100_000 })
        {
            var bench = new RoomHeadBenchmarks { Members = members };
            bench.Setup();
            await output.WriteLineAsync(
                $"{members,7} members: copy {Measure(() => bench.Copy_whole_state(), 200)}; " +
                $"persistent {Measure(() => bench.Persistent_state(), 20_000)}");
        }
    }

    private static string Measure(Func<int> stateEvent, int times)
    {
        stateEvent();
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < times; i++)
        {
            stateEvent();
        }

        var elapsed = stopwatch.Elapsed;
        var perEvent = (GC.GetAllocatedBytesForCurrentThread() - bytes) / times;
        return $"{perEvent:N0} B, {elapsed.TotalMicroseconds / times:F2} µs per state event";
    }

    private static Pdu Member(int i) => Pdu.FromTrusted($$"""
        {"type":"m.room.member","state_key":"@user{{i}}:bench.local","sender":"@user{{i}}:bench.local",
         "room_id":"{{RoomId}}","content":{"membership":"join"},"origin_server_ts":1,"depth":1,"prev_events":[],
         "auth_events":[]}
        """, RoomVersions.V12, $"$member{i}");
}
