using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Services.Tests.Rooms;

public sealed class IgnoredUsersTests
{
    private static readonly UserId Alice = UserId.Parse("@alice:example.org");

    [Fact]
    public async Task The_list_is_read_once_then_again_after_the_users_account_data_changed()
    {
        var store = new ListStore();
        var ignored = new IgnoredUsers(store, new StoredJson(NullLogger<StoredJson>.Instance));

        Assert.Empty(await ignored.GetAsync(Alice, CancellationToken.None));
        store.Content = """{"ignored_users": {"@mallory:example.org": {}}}""";
        Assert.Empty(await ignored.GetAsync(Alice, CancellationToken.None)); // kept
        Assert.Equal(1, store.Reads);

        ignored.OnAccountDataChanged(Alice.Value);

        Assert.True(await ignored.IsIgnoringAsync(Alice, "@mallory:example.org", CancellationToken.None));
        Assert.Equal(2, store.Reads);
    }

    [Fact]
    public async Task A_change_during_a_read_keeps_the_read_list_out_of_the_cache()
    {
        var store = new ListStore();
        var ignored = new IgnoredUsers(store, new StoredJson(NullLogger<StoredJson>.Instance));
        store.DuringRead = () =>
        {
            store.DuringRead = null;
            store.Content = """{"ignored_users": {"@mallory:example.org": {}}}""";
            ignored.OnAccountDataChanged(Alice.Value);
        };

        Assert.Empty(await ignored.GetAsync(Alice, CancellationToken.None));

        Assert.True(await ignored.IsIgnoringAsync(Alice, "@mallory:example.org", CancellationToken.None));
    }

    private sealed class ListStore : IAccountDataStore
    {
        public string? Content { get; set; }

        public int Reads { get; private set; }

        public Action? DuringRead { get; set; }

        public Task<string?> GetAsync(UserId userId, RoomId? roomId, string type, CancellationToken cancellationToken)
        {
            Reads++;
            var content = Content;
            DuringRead?.Invoke();
            return Task.FromResult(content);
        }

        public Task<long> PutAsync(UserId userId, RoomId? roomId, string type, string content,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long> UpdateAsync(UserId userId, RoomId? roomId, string type, Func<string?, string> change,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DeleteAllAsync(UserId userId, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
