using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Services.Tests.Rooms;

public sealed class InviteBlockingCacheTests
{
    private static readonly UserId Alice = UserId.Parse("@alice:example.org");

    [Fact]
    public async Task The_setting_is_read_once_then_again_after_the_users_account_data_changed()
    {
        var store = new SettingStore();
        var blocking = new InviteBlocking(store, new StoredJson(NullLogger<StoredJson>.Instance));

        Assert.False(await blocking.BlocksAllAsync(Alice, CancellationToken.None));
        store.Stable = """{"block_all": true}""";
        Assert.False(await blocking.BlocksAllAsync(Alice, CancellationToken.None)); // kept
        Assert.Equal(2, store.Reads); // the stable and the unstable type, once

        blocking.OnAccountDataChanged(Alice.Value);

        Assert.True(await blocking.BlocksAllAsync(Alice, CancellationToken.None));
        Assert.Equal(3, store.Reads);
    }

    private sealed class SettingStore : IAccountDataStore
    {
        public string? Stable { get; set; }

        public int Reads { get; private set; }

        public Task<string?> GetAsync(UserId userId, RoomId? roomId, string type, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult(type == InviteBlocking.StableType ? Stable : null);
        }

        public Task<long> PutAsync(UserId userId, RoomId? roomId, string type, string content,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long> UpdateAsync(UserId userId, RoomId? roomId, string type, Func<string?, string> change,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DeleteAllAsync(UserId userId, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
