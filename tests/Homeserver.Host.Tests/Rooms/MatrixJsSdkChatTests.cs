using Homeserver.Host.Tests.Accounts;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>matrix-js-sdk (tests/js/chat.mjs): two users chat and one pages back through 1,000 messages.</summary>
public sealed class MatrixJsSdkChatTests
{
    [Fact]
    public async Task Two_js_sdk_clients_chat_and_page_back_a_thousand_messages()
    {
        await using var server = await LiveServer.StartAsync();

        var (exitCode, output) = await MatrixJsSdkLoginTests.RunNodeAsync("chat.mjs",
            server.Instance.Addresses[0].ToString().TrimEnd('/'));

        Assert.True(exitCode == 0, output);
        Assert.Contains("bob joined", output, StringComparison.Ordinal);
        Assert.Contains("bob paged back all 1002 messages in order", output, StringComparison.Ordinal);
    }
}
