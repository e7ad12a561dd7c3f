using Homeserver.Services.Sync.Sliding;
using Homeserver.Testing;

namespace Homeserver.Services.Tests.Sync.Sliding;

public sealed class SlidingRoomCacheTests
{
    private const string Me = "@me:x";
    private readonly RecordingReader _reader = new();
    private readonly ManualClock _clock = new();

    private static SlidingRoomRow Row(string roomId, long stream, long? bump = null, bool encrypted = false) =>
        new(roomId, "join", "$" + roomId, stream, false, Me, bump, Math.Max(stream, bump ?? 0), encrypted, null);

    private SlidingRoomCache NewCache() => new(_reader, _clock);

    private static List<string> Ids(IEnumerable<SlidingRoomRow> rows) =>
        rows.Select(r => r.RoomId).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task A_later_pass_reads_only_the_rooms_changed_since_the_previous_one_and_keeps_the_others()
    {
        var cache = NewCache();
        _reader.Answer = [Row("!a", 1), Row("!b", 2)];
        await cache.GetAsync(Me, 10, false, false, fresh: true, CancellationToken.None);
        _reader.Answer = [Row("!b", 2, bump: 12), Row("!c", 11)];

        var rows = await cache.GetAsync(Me, 12, false, false, fresh: false, CancellationToken.None);

        Assert.Equal([null, 10], _reader.Calls.Select(c => c.ChangedSince));
        Assert.Equal(["!a", "!b", "!c"], Ids(rows));
        Assert.Equal(12, rows.Single(r => r.RoomId == "!b").BumpStamp);
    }

    [Fact]
    public async Task The_same_position_again_reads_nothing()
    {
        var cache = NewCache();
        _reader.Answer = [Row("!a", 1)];
        await cache.GetAsync(Me, 10, false, false, fresh: true, CancellationToken.None);

        Assert.Equal(["!a"], Ids(await cache.GetAsync(Me, 10, false, false, fresh: false, CancellationToken.None)));
        Assert.Single(_reader.Calls);
    }

    [Fact]
    public async Task A_new_connection_an_old_entry_a_long_gap_or_a_column_not_read_before_reads_every_room()
    {
        var cache = NewCache();
        _reader.Answer = [Row("!a", 1)];
        await cache.GetAsync(Me, 10, false, false, fresh: true, CancellationToken.None);
        await cache.GetAsync(Me, 11, false, false, fresh: true, CancellationToken.None);
        await cache.GetAsync(Me, 12, withEncryption: true, false, fresh: false, CancellationToken.None);
        await cache.GetAsync(Me, 12 + SlidingRoomCache.MaxDeltaPositions + 1, true, false, fresh: false, CancellationToken.None);
        _clock.Advance(SlidingRoomCache.MaxAge);
        await cache.GetAsync(Me, 12 + SlidingRoomCache.MaxDeltaPositions + 2, true, false, fresh: false, CancellationToken.None);

        Assert.All(_reader.Calls, c => Assert.Null(c.ChangedSince));
        Assert.Equal(5, _reader.Calls.Count);
    }

    [Fact]
    public async Task An_entry_with_more_columns_serves_a_pass_that_needs_fewer_and_keeps_reading_them()
    {
        var cache = NewCache();
        _reader.Answer = [Row("!a", 1, encrypted: true)];
        await cache.GetAsync(Me, 10, withEncryption: true, false, fresh: true, CancellationToken.None);
        _reader.Answer = [];

        await cache.GetAsync(Me, 11, withEncryption: false, false, fresh: false, CancellationToken.None);

        Assert.Equal((10L, true), (_reader.Calls[1].ChangedSince!.Value, _reader.Calls[1].WithEncryption));
    }

    [Fact]
    public async Task A_position_behind_the_entry_reads_in_full_and_leaves_the_later_entry_in_place()
    {
        var cache = NewCache();
        _reader.Answer = [Row("!a", 1)];
        await cache.GetAsync(Me, 20, false, false, fresh: true, CancellationToken.None);
        await cache.GetAsync(Me, 15, false, false, fresh: false, CancellationToken.None);

        await cache.GetAsync(Me, 20, false, false, fresh: false, CancellationToken.None);

        Assert.Equal(2, _reader.Calls.Count);
        Assert.Null(_reader.Calls[1].ChangedSince);
    }

    private sealed class RecordingReader : ISlidingSyncReader
    {
        public List<(long UpTo, bool WithEncryption, long? ChangedSince)> Calls { get; } = [];

        public IReadOnlyList<SlidingRoomRow> Answer { get; set; } = [];

        public Task<IReadOnlyList<SlidingRoomRow>> GetRoomsAsync(string userId, long upTo, bool withEncryption,
            bool withRoomType, long? changedSince, CancellationToken cancellationToken)
        {
            Calls.Add((upTo, withEncryption, changedSince));
            return Task.FromResult(Answer);
        }

        public Task<IReadOnlySet<string>> GetSpaceChildrenAsync(IReadOnlyCollection<string> spaceIds,
            CancellationToken cancellationToken) => Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());
    }
}
