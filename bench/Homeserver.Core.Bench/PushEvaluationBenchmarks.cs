using System.Collections.Immutable;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Homeserver.Core.Events;
using Homeserver.Core.Push;
using Homeserver.Services.Push;
using Homeserver.Services.Rooms;

namespace Homeserver.Core.Bench;

/// <summary>
/// Push rule evaluation at persist time for one message in a big room: every member but the sender, each with the
/// default rules (cached per user, as <see cref="PushRuleCache"/> keeps them) and a display name.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PushEvaluationBenchmarks
{
    private const string RoomId = "!big:bench.local";
    private const string Server = "bench.local";
    private RoomHead _head = null!;
    private Pdu _message = null!;
    private Dictionary<string, PushRuleSet> _rules = null!;

    [Params(10_000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var members = Enumerable.Range(0, Members).Select(Member).ToList();
        _head = new RoomHead(RoomId, RoomVersions.V12, [], members.ToImmutableDictionary(p => p.StateEntryKey), 1, 1);
        _rules = members.ToDictionary(p => p.StateKey!, p => DefaultPushRules.For(p.StateKey!), StringComparer.Ordinal);
        _message = Pdu.FromTrusted($$"""
            {"type":"m.room.message","sender":"@user0:{{Server}}","room_id":"{{RoomId}}",
             "content":{"msgtype":"m.text","body":"Hello everyone, has user 4242 seen the release notes?"},
             "origin_server_ts":1,"depth":2,"prev_events":[],"auth_events":[]}
            """, RoomVersions.V12, "$message");
    }

    /// <summary>One event for every member (the member list already worked out for this state, as between messages).</summary>
    [Benchmark]
    public int Evaluate_one_message()
    {
        var members = RoomPushMembers.For(_head.State, Server);
        var recipients = members.LocalJoined.Where(m => m.UserId != _message.Sender).ToList();
        return PushActionEvaluator.Evaluate(_head, _message, members.JoinedCount, recipients, _rules).Count;
    }

    /// <summary>Calibration: one rule-set lookup per member and nothing else, the floor of any per-member work.</summary>
    [Benchmark]
    public int Lookups_only()
    {
        var members = RoomPushMembers.For(_head.State, Server);
        var n = 0;
        foreach (var (userId, displayName) in members.LocalJoined)
        {
            n += _rules[userId].Of(PushRuleKind.Override).Count + (displayName?.Length ?? 0);
        }

        return n;
    }

    /// <summary>Time per event and per member without BenchmarkDotNet (a few seconds).</summary>
    public static async Task PrintQuickAsync(TextWriter output)
    {
        var bench = new PushEvaluationBenchmarks { Members = 10_000 };
        bench.Setup();
        var cold = Stopwatch.StartNew();
        var notified = bench.Evaluate_one_message(); // includes reading the member list out of the state once
        var first = cold.Elapsed;
        for (var i = 0; i < 60; i++)
        {
            bench.Evaluate_one_message(); // warm-up: lets tiered compilation reach optimised code
        }

        var times = new List<double>();
        const int Runs = 30;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < Runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            bench.Evaluate_one_message();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        // CPU time too: on a shared machine the wall clock also counts the time other processes had the cores.
        var cpuPerEvent = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Runs;
        for (var i = 0; i < 60; i++)
        {
            bench.Lookups_only();
        }

        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < Runs; i++)
        {
            bench.Lookups_only();
        }

        var floor = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Runs;

        times.Sort();
        var median = times[times.Count / 2];
        await output.WriteLineAsync(
            $"{bench.Members:N0} members, default rules: first event {first.TotalMilliseconds:F1} ms (member list read " +
            $"from the state); then median {median:F2} ms per event (min {times[0]:F2}, max {times[^1]:F2}), " +
            $"{median * 1000 / (bench.Members - 1):F3} µs per member; CPU {cpuPerEvent:F2} ms per event " +
            $"({cpuPerEvent * 1000 / (bench.Members - 1):F3} µs per member); {notified:N0} notified. Calibration on " +
            $"this machine now: one dictionary lookup per member alone takes {floor:F2} ms CPU ({cpuPerEvent / floor:F1}x).");
    }

    private static Pdu Member(int i) => Pdu.FromTrusted($$"""
        {"type":"m.room.member","state_key":"@user{{i}}:{{Server}}","sender":"@user{{i}}:{{Server}}",
         "room_id":"{{RoomId}}","content":{"membership":"join","displayname":"User {{i}}"},"origin_server_ts":1,
         "depth":1,"prev_events":[],"auth_events":[]}
        """, RoomVersions.V12, $"$member{i}");
}
