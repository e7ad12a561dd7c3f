using Homeserver.Host.Tests.Accounts;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Keys;

/// <summary>matrix-js-sdk with its Rust crypto (tests/js/e2ee.mjs): encrypted messages, key backup restore on a new
/// device, and a dehydrated device that receives a message while its user is offline and is rehydrated.</summary>
public sealed class MatrixJsSdkE2eeTests
{
    [Fact]
    public async Task Js_sdk_rust_crypto_decrypts_restores_key_backup_and_rehydrates_a_dehydrated_device()
    {
        await using var server = await LiveServer.StartAsync();

        var (exitCode, output) = await MatrixJsSdkLoginTests.RunNodeAsync("e2ee.mjs", TimeSpan.FromSeconds(150),
            server.Instance.Addresses[0].ToString().TrimEnd('/'));

        Assert.True(exitCode == 0, output);
        Assert.Contains("bob decrypted alice's message", output, StringComparison.Ordinal);
        Assert.Contains("alice's new device decrypted the old message from her key backup", output,
            StringComparison.Ordinal);
        Assert.Contains("bob's new device decrypted the message sent to his dehydrated device", output,
            StringComparison.Ordinal);
    }
}
