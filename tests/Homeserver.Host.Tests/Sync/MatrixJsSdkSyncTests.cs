using Homeserver.Host.Tests.Accounts;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync;

/// <summary>matrix-js-sdk (tests/js/sync.mjs): two clients with startClient see each other's messages, typing and read receipts live.</summary>
public sealed class MatrixJsSdkSyncTests
{
    [Fact]
    public async Task Two_js_sdk_clients_with_startClient_see_each_others_messages_typing_and_receipts_live()
    {
        await using var server = await LiveServer.StartAsync();

        var (exitCode, output) = await MatrixJsSdkLoginTests.RunNodeAsync("sync.mjs",
            server.Instance.Addresses[0].ToString().TrimEnd('/'));

        Assert.True(exitCode == 0, output);
        Assert.Contains("bob saw alice's message live", output, StringComparison.Ordinal);
        Assert.Contains("alice saw bob's message live", output, StringComparison.Ordinal);
        Assert.Contains("bob saw alice typing", output, StringComparison.Ordinal);
        Assert.Contains("bob saw alice stop typing", output, StringComparison.Ordinal);
        Assert.Contains("alice saw bob's read receipt", output, StringComparison.Ordinal);
    }
}
