using System.Collections.Immutable;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Live;
using Homeserver.Services.Live.Posting;
using Homeserver.Services.Rooms;

namespace Homeserver.Core.Bench;

/// <summary>
/// What the live posting rules add to one send (<see cref="LivePostingPolicy.ClearAsync"/> before the append and
/// <see cref="LivePostingPolicy.Check"/> in its decision) in a 10,000-member room: without any live state (every
/// ordinary room), and with an open schedule (the power levels are read to see whether the sender moderates).
/// The database is never reached on these paths (the stores throw if asked).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class LivePostingBenchmarks
{
    private const string RoomId = "!live:bench.local";
    private static readonly UserId Sender = UserId.Parse("@user7:bench.local");
    private LivePostingPolicy _plain = null!;
    private LivePostingPolicy _scheduled = null!;
    private RoomHead _plainHead = null!;
    private RoomHead _scheduledHead = null!;

    [GlobalSetup]
    public void Setup()
    {
        var state = Enumerable.Range(0, 10_000).Select(Member)
            .Append(Event(EventTypes.PowerLevels, "",
                """{"users":{"@user0:bench.local":100},"state_default":50,"events_default":0}"""))
            .ToImmutableDictionary(p => p.StateEntryKey);
        _plainHead = new RoomHead(RoomId, RoomVersions.V12, [], state, 1, 1);
        _scheduledHead = _plainHead with
        {
            State = state.Add(new TypeAndStateKey(LiveNames.Schedule, ""), Event(LiveNames.Schedule, "",
                """{"starts_at":0,"ends_at":9999999999999,"opens_before_minutes":10}""")),
        };
        _plain = Policy(_plainHead);
        _scheduled = Policy(_scheduledHead);
    }

    [Benchmark(Baseline = true)]
    public bool No_live_state() => Send(_plain, _plainHead);

    [Benchmark]
    public bool Open_schedule() => Send(_scheduled, _scheduledHead);

    /// <summary>Time and bytes per send, without BenchmarkDotNet (a few seconds).</summary>
    public static async Task PrintQuickAsync(TextWriter output)
    {
        var bench = new LivePostingBenchmarks();
        bench.Setup();
        await output.WriteLineAsync($"no live state: {Measure(bench.No_live_state, 1_000_000)}");
        await output.WriteLineAsync($"open schedule: {Measure(bench.Open_schedule, 200_000)}");
    }

    private static bool Send(LivePostingPolicy policy, RoomHead head)
    {
#pragma warning disable CA2012 // checked to have completed (synchronously: no store is asked on these paths)
        var pending = policy.ClearAsync(Sender, RoomId, CancellationToken.None);
        var clearance = pending.IsCompletedSuccessfully ? pending.Result
            : throw new InvalidOperationException("The database was needed");
#pragma warning restore CA2012
        policy.Check(head, Sender, clearance);
        return clearance is null;
    }

    private static string Measure(Func<bool> send, int times)
    {
        send();
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < times; i++)
        {
            send();
        }

        var elapsed = stopwatch.Elapsed;
        return $"{(GC.GetAllocatedBytesForCurrentThread() - bytes) / times:N0} B, " +
               $"{elapsed.TotalNanoseconds / times:F0} ns per send";
    }

    private static LivePostingPolicy Policy(RoomHead head) =>
        new(new FixedHeads(head), new NoStores(), new NoStores(), TimeProvider.System);

    private static Pdu Member(int i) => Event(EventTypes.Member, $"@user{i}:bench.local", """{"membership":"join"}""");

    private static Pdu Event(string type, string stateKey, string content) => Pdu.FromTrusted(
        new JsonObject
        {
            ["type"] = type, ["state_key"] = stateKey, ["sender"] = "@user0:bench.local", ["room_id"] = RoomId,
            ["content"] = JsonNode.Parse(content), ["origin_server_ts"] = 1, ["depth"] = 1,
            ["prev_events"] = new JsonArray(), ["auth_events"] = new JsonArray(),
        }.ToJsonString(), RoomVersions.V12, $"${type}{stateKey}");

    private sealed class FixedHeads(RoomHead head) : IRoomHeadCache
    {
        public RoomHead? Peek(string roomId) => head;
    }

    private sealed class NoStores : ILiveSlowModeStore, IAccountDataStore
    {
        public Task<SlowModeRefusal?> TryClaimAsync(string roomId, string userId, long nowMs, long intervalMs,
            CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task ReleaseAsync(string roomId, string userId, long claimedAtMs, CancellationToken cancellationToken) =>
            throw new InvalidOperationException();

        public Task<long> PutAsync(UserId userId, RoomId? roomId, string type, string content,
            CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task<string?> GetAsync(UserId userId, RoomId? roomId, string type, CancellationToken cancellationToken) =>
            throw new InvalidOperationException();

        public Task<long> UpdateAsync(UserId userId, RoomId? roomId, string type, Func<string?, string> change,
            CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task DeleteAllAsync(UserId userId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException();
    }
}
