using Homeserver.Host.Tests.Accounts;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync;

/// <summary>matrix-js-sdk (tests/js/sync.mjs): two clients with startClient see each other's messages live.</summary>
public sealed class MatrixJsSdkSyncTests
{
    // startClient fetches GET /pushrules/ before its first /sync and stops on the 404: that endpoint belongs to the
    // push issue. Run this test again once it exists.
    [Fact(Skip = "matrix-js-sdk startClient needs GET /_matrix/client/v3/pushrules/ (push issue)")]
    public async Task Two_js_sdk_clients_with_startClient_see_each_others_messages_live()
    {
        await using var server = await LiveServer.StartAsync();

        var (exitCode, output) = await MatrixJsSdkLoginTests.RunNodeAsync("sync.mjs",
            server.Instance.Addresses[0].ToString().TrimEnd('/'));

        Assert.True(exitCode == 0, output);
        Assert.Contains("bob saw alice's message live", output, StringComparison.Ordinal);
        Assert.Contains("alice saw bob's message live", output, StringComparison.Ordinal);
    }
}
