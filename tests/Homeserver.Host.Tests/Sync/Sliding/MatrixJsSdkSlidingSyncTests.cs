using Homeserver.Host.Tests.Accounts;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync.Sliding;

/// <summary>matrix-js-sdk 43's SlidingSync (tests/js/sliding-sync.mjs, e2ee-sliding.mjs) against a fresh server.</summary>
public sealed class MatrixJsSdkSlidingSyncTests
{
    [Fact]
    public async Task Js_sdk_sliding_sync_gets_a_sorted_room_list_a_subscribed_room_and_live_messages()
    {
        await using var server = await LiveServer.StartAsync();

        var (exitCode, output) = await MatrixJsSdkLoginTests.RunNodeAsync("sliding-sync.mjs",
            server.Instance.Addresses[0].ToString().TrimEnd('/'));

        Assert.True(exitCode == 0, output);
        Assert.Contains("alice got her room list sorted by activity", output, StringComparison.Ordinal);
        Assert.Contains("alice got the subscribed room's timeline and required state", output, StringComparison.Ordinal);
        Assert.Contains("alice saw bob's message live", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_rust_crypto_clients_hold_an_encrypted_conversation_over_sliding_sync()
    {
        await using var server = await LiveServer.StartAsync();

        var (exitCode, output) = await MatrixJsSdkLoginTests.RunNodeAsync("e2ee-sliding.mjs", TimeSpan.FromSeconds(170),
            server.Instance.Addresses[0].ToString().TrimEnd('/'));

        Assert.True(exitCode == 0, output);
        Assert.Contains("bob decrypted alice's message", output, StringComparison.Ordinal);
        Assert.Contains("alice decrypted bob's reply", output, StringComparison.Ordinal);
    }
}
