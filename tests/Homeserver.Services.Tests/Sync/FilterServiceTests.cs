using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Tests.Sync;

public sealed class FilterServiceTests
{
    private static Requester As(string userId) => new(UserId.Parse(userId), "DEVICE", false, false, null);

    [Fact]
    public async Task An_uploaded_filter_is_read_from_the_store_once_for_every_sync_that_names_it()
    {
        var store = new CountingFilterStore();
        var filters = new FilterService(store);
        var alice = As("@alice:example.org");
        var id = await filters.CreateAsync(alice, alice.UserId.Value,
            JsonDocument.Parse("""{"room": {"timeline": {"limit": 3}}}""").RootElement, CancellationToken.None);

        var first = await filters.ResolveAsync(alice, id, CancellationToken.None);
        var second = await filters.ResolveAsync(alice, id, CancellationToken.None);

        Assert.Equal(3, first.TimelineLimit);
        Assert.Same(first, second);
        Assert.Equal(1, store.Reads);
    }

    [Fact]
    public async Task A_cached_filter_is_never_served_to_another_user_naming_its_id()
    {
        var store = new CountingFilterStore();
        var filters = new FilterService(store);
        var alice = As("@alice:example.org");
        var id = await filters.CreateAsync(alice, alice.UserId.Value,
            JsonDocument.Parse("""{"room": {"timeline": {"limit": 3}}}""").RootElement, CancellationToken.None);
        await filters.ResolveAsync(alice, id, CancellationToken.None);

        var error = await Assert.ThrowsAsync<MatrixException>(() =>
            filters.ResolveAsync(As("@bob:example.org"), id, CancellationToken.None));

        Assert.Equal(ErrorCode.NotFound, error.Code);
    }

    private sealed class CountingFilterStore : IFilterStore
    {
        private readonly Dictionary<(string, long), string> _filters = [];

        public int Reads { get; private set; }

        public Task<long> CreateAsync(string userId, string filterJson, CancellationToken cancellationToken)
        {
            var id = _filters.Count + 1L;
            _filters[(userId, id)] = filterJson;
            return Task.FromResult(id);
        }

        public Task<string?> GetAsync(string userId, long filterId, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult(_filters.GetValueOrDefault((userId, filterId)));
        }

        public Task<IReadOnlyList<(long FilterId, string FilterJson)>> GetAllAsync(string userId,
            CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<(long, string)>>(_filters.Where(f => f.Key.Item1 == userId)
                .Select(f => (f.Key.Item2, f.Value)).ToList());
    }
}
