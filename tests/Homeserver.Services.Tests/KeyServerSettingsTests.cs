using Homeserver.Core.Encoding;
using Homeserver.Services.Configuration;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Tests;

public sealed class KeyServerSettingsTests
{
    private const string Key = "l8Hft5qXKn1vfHrg3p4+W8gELQVo8N13JkluMfmn2sQ";

    [Fact]
    public void No_trusted_key_servers_by_default()
    {
        Assert.Empty(Read().Settings!.KeyServers.TrustedKeyServers);
    }

    [Fact]
    public void Trusted_key_servers_are_read_with_their_verify_keys()
    {
        var (settings, errors) = Read(
            ("Homeserver:Federation:TrustedKeyServers:0:ServerName", "matrix.org"),
            ("Homeserver:Federation:TrustedKeyServers:0:VerifyKeys", $"ed25519:auto={Key}, ed25519:b={Key}"),
            ("Homeserver:Federation:TrustedKeyServers:1:ServerName", "notary.example:8448"),
            ("Homeserver:Federation:TrustedKeyServers:1:VerifyKeys", $"ed25519:x={Key}"));

        Assert.Empty(errors);
        var servers = settings!.KeyServers.TrustedKeyServers;
        Assert.Equal(["matrix.org", "notary.example:8448"], servers.Select(s => s.ServerName.Value));
        Assert.Equal(["ed25519:auto", "ed25519:b"], servers[0].VerifyKeys.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(UnpaddedBase64.Decode(Key), servers[0].VerifyKeys["ed25519:auto"]);
    }

    [Theory]
    [InlineData("ServerName", "not a name", "TrustedKeyServers:0:ServerName")]
    [InlineData("VerifyKeys", "ed25519:auto", "TrustedKeyServers:0:VerifyKeys")]
    [InlineData("VerifyKeys", "rsa:x=" + Key, "TrustedKeyServers:0:VerifyKeys")]
    [InlineData("VerifyKeys", "ed25519:a=abc", "TrustedKeyServers:0:VerifyKeys")]
    [InlineData("VerifyKeys", "", "TrustedKeyServers:0:VerifyKeys")]
    [InlineData("AcceptKeysInsecurely", "true", "TrustedKeyServers:0:AcceptKeysInsecurely")]
    public void A_bad_trusted_key_server_is_an_error_naming_its_key(string name, string value, string expected)
    {
        var values = new List<(string, string)>
        {
            ("Homeserver:Federation:TrustedKeyServers:0:ServerName", "matrix.org"),
            ("Homeserver:Federation:TrustedKeyServers:0:VerifyKeys", $"ed25519:auto={Key}"),
        };
        values.RemoveAll(v => v.Item1.EndsWith(":" + name, StringComparison.Ordinal));
        values.Add(($"Homeserver:Federation:TrustedKeyServers:0:{name}", value));

        var (settings, errors) = Read([.. values]);

        Assert.Null(settings);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    private static (HomeserverSettings? Settings, IReadOnlyList<string> Errors) Read(
        params (string Key, string Value)[] values) =>
        SettingsReader.TryRead(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build(), "/srv/homeserver");
}
