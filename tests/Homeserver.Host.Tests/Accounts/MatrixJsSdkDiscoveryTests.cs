using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

/// <summary>matrix-js-sdk's AutoDiscovery (tests/js/discovery.mjs), what Element's login screen runs, against a fresh server.</summary>
public sealed class MatrixJsSdkDiscoveryTests
{
    [Fact]
    public async Task AutoDiscovery_finds_the_homeserver_and_accepts_its_spec_versions()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        var baseUrl = server.Anonymous.BaseAddress!.ToString().TrimEnd('/');
        // js-sdk gives the .well-known fetch 5 s: a fresh server's first answers (JIT) on a loaded CI machine took
        // longer once. The SDK's part is what is tested, so both endpoints are answered once before it asks.
        using var wellKnown = await server.Anonymous.GetAsync("/.well-known/matrix/client");
        using var versions = await server.Anonymous.GetAsync("/_matrix/client/versions");

        var (exitCode, output) = await MatrixJsSdkLoginTests.RunNodeAsync("discovery.mjs", baseUrl);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"discovered {baseUrl}: SUCCESS", output, StringComparison.Ordinal);
    }
}
