using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;
using Homeserver.Services.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Services.Tests.Rooms;

public sealed class IgnoredUsersTests
{
    private static readonly UserId Alice = UserId.Parse("@alice:example.org");

    [Fact]
    public async Task The_list_is_read_once_then_again_after_the_users_account_data_changed()
    {
        var store = new RecordingAccountDataStore();
        var ignored = new IgnoredUsers(store, new StoredJson(NullLogger<StoredJson>.Instance));

        Assert.Empty(await ignored.GetAsync(Alice, CancellationToken.None));
        store.ByType[IgnoredUsers.AccountDataType] = """{"ignored_users": {"@mallory:example.org": {}}}""";
        Assert.Empty(await ignored.GetAsync(Alice, CancellationToken.None)); // kept
        Assert.Equal(1, store.Reads);

        ignored.OnAccountDataChanged(Alice.Value);

        Assert.True(await ignored.IsIgnoringAsync(Alice, "@mallory:example.org", CancellationToken.None));
        Assert.Equal(2, store.Reads);
    }

    [Fact]
    public async Task A_change_during_a_read_keeps_the_read_list_out_of_the_cache()
    {
        var store = new RecordingAccountDataStore();
        var ignored = new IgnoredUsers(store, new StoredJson(NullLogger<StoredJson>.Instance));
        store.DuringRead = () =>
        {
            store.DuringRead = null;
            store.ByType[IgnoredUsers.AccountDataType] = """{"ignored_users": {"@mallory:example.org": {}}}""";
            ignored.OnAccountDataChanged(Alice.Value);
        };

        Assert.Empty(await ignored.GetAsync(Alice, CancellationToken.None));

        Assert.True(await ignored.IsIgnoringAsync(Alice, "@mallory:example.org", CancellationToken.None));
    }
}
