using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;
using Homeserver.Services.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Services.Tests.Rooms;

public sealed class InviteBlockingCacheTests
{
    private static readonly UserId Alice = UserId.Parse("@alice:example.org");

    [Fact]
    public async Task The_setting_is_read_once_then_again_after_the_users_account_data_changed()
    {
        var store = new RecordingAccountDataStore();
        var blocking = new InviteBlocking(store, new StoredJson(NullLogger<StoredJson>.Instance));

        Assert.False(await blocking.BlocksAllAsync(Alice, CancellationToken.None));
        store.ByType[InviteBlocking.StableType] = """{"block_all": true}""";
        Assert.False(await blocking.BlocksAllAsync(Alice, CancellationToken.None)); // kept
        Assert.Equal(2, store.Reads); // the stable and the unstable type, once

        blocking.OnAccountDataChanged(Alice.Value);

        Assert.True(await blocking.BlocksAllAsync(Alice, CancellationToken.None));
        Assert.Equal(3, store.Reads);
    }
}
