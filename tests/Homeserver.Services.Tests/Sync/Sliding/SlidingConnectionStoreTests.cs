using Homeserver.Services.Sync.Sliding;
using Homeserver.Services.Tests.Shared;

namespace Homeserver.Services.Tests.Sync.Sliding;

public sealed class SlidingConnectionStoreTests : IDisposable
{
    private readonly SwitchableSharedStore _shared = new();
    private readonly RecordingDurableStore _durable = new();

    private SharedSlidingSyncConnectionStore Shared => new(_shared);

    public void Dispose() => _shared.Dispose();

    [Fact]
    public async Task A_position_in_the_shared_store_reads_back_only_for_its_own_connection()
    {
        var pos = await Shared.SaveAsync("@a:x", "DEV", "main", null, "s1", "{}", CancellationToken.None);

        Assert.True(SharedSlidingSyncConnectionStore.IsItsPos(pos));
        Assert.Equal(new SlidingPosition("s1", "{}"), await Shared.GetAsync("@a:x", "DEV", "main", pos, CancellationToken.None));
        Assert.Null(await Shared.GetAsync("@a:x", "DEV", "other", pos, CancellationToken.None));
        Assert.Null(await Shared.GetAsync("@a:x", "DEV2", "main", pos, CancellationToken.None));
        Assert.Null(await Shared.GetAsync("@b:x", "DEV", "main", pos, CancellationToken.None));
    }

    [Fact]
    public async Task Saving_on_a_pos_drops_the_positions_before_it_and_keeps_it_for_a_retry()
    {
        var first = await Shared.SaveAsync("@a:x", "D", "c", null, "s1", "{}", CancellationToken.None);
        var second = await Shared.SaveAsync("@a:x", "D", "c", first, "s2", "{}", CancellationToken.None);
        var third = await Shared.SaveAsync("@a:x", "D", "c", second, "s3", "{}", CancellationToken.None);

        Assert.Null(await Shared.GetAsync("@a:x", "D", "c", first, CancellationToken.None));
        Assert.NotNull(await Shared.GetAsync("@a:x", "D", "c", second, CancellationToken.None));
        Assert.NotNull(await Shared.GetAsync("@a:x", "D", "c", third, CancellationToken.None));
    }

    [Fact]
    public async Task A_new_connection_or_a_pos_of_another_store_drops_every_earlier_position()
    {
        var first = await Shared.SaveAsync("@a:x", "D", "c", null, "s1", "{}", CancellationToken.None);
        var restarted = await Shared.SaveAsync("@a:x", "D", "c", null, "s2", "{}", CancellationToken.None);
        await Shared.SaveAsync("@a:x", "D", "c", "42", "s3", "{}", CancellationToken.None);

        Assert.Null(await Shared.GetAsync("@a:x", "D", "c", first, CancellationToken.None));
        Assert.Null(await Shared.GetAsync("@a:x", "D", "c", restarted, CancellationToken.None));
    }

    [Theory]
    [InlineData("42", false)]
    [InlineData("r0123456789abcdef", true)]
    [InlineData("r0123456789ABCDEF", false)]
    [InlineData("r0123456789abcde", false)]
    [InlineData("x0123456789abcdef", false)]
    public void Only_its_own_form_of_pos_is_looked_up_in_the_shared_store(string pos, bool its) =>
        Assert.Equal(its, SharedSlidingSyncConnectionStore.IsItsPos(pos));

    [Fact]
    public async Task Positions_go_to_the_shared_store_while_it_is_shared_and_up_and_to_postgres_otherwise()
    {
        var connections = new SlidingSyncConnections(_durable, Shared, _shared);
        _shared.Shared = true;
        var inRedis = await connections.SaveAsync("@a:x", "D", "c", null, "s1", "{}", CancellationToken.None);
        _shared.Available = false;
        var inPostgres = await connections.SaveAsync("@a:x", "D", "c", inRedis, "s2", "{}", CancellationToken.None);
        _shared.Available = true;

        Assert.True(SharedSlidingSyncConnectionStore.IsItsPos(inRedis));
        Assert.Equal("1", inPostgres);
        Assert.Equal("s1", (await connections.GetAsync("@a:x", "D", "c", inRedis, CancellationToken.None))?.StreamToken);
        Assert.Equal("s2", (await connections.GetAsync("@a:x", "D", "c", inPostgres, CancellationToken.None))?.StreamToken);
        _shared.Shared = false;
        Assert.Equal("2", await connections.SaveAsync("@a:x", "D", "c", inPostgres, "s3", "{}", CancellationToken.None));
    }

    /// <summary>Postgres' numbering: 1, 2, 3...</summary>
    private sealed class RecordingDurableStore : ISlidingSyncConnectionStore
    {
        private readonly Dictionary<string, SlidingPosition> _rows = new(StringComparer.Ordinal);

        public Task<SlidingPosition?> GetAsync(string userId, string deviceId, string connId, string pos,
            CancellationToken cancellationToken) => Task.FromResult(_rows.GetValueOrDefault(pos));

        public Task<string> SaveAsync(string userId, string deviceId, string connId, string? basedOn,
            string streamToken, string state, CancellationToken cancellationToken)
        {
            var pos = (_rows.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _rows[pos] = new SlidingPosition(streamToken, state);
            return Task.FromResult(pos);
        }
    }
}
