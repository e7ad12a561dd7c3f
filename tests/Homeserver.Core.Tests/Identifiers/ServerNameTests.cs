using Homeserver.Core.Identifiers;

namespace Homeserver.Core.Tests.Identifiers;

public sealed class ServerNameTests
{
    [Theory]
    [InlineData("matrix.org", "matrix.org", null)]
    [InlineData("matrix.org:8888", "matrix.org", 8888)]
    [InlineData("1.2.3.4", "1.2.3.4", null)]
    [InlineData("1.2.3.4:1234", "1.2.3.4", 1234)]
    [InlineData("[1234:5678::abcd]", "[1234:5678::abcd]", null)]
    [InlineData("[1234:5678::abcd]:5678", "[1234:5678::abcd]", 5678)]
    public void The_spec_examples_of_server_names_parse(string text, string host, int? port)
    {
        Assert.True(ServerName.TryParse(text, out var name, out var error), error);
        Assert.Equal(host, name.Host);
        Assert.Equal(port, name.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData("exa_mple.org")]
    [InlineData("example.org:")]
    [InlineData("example.org:123456")]
    [InlineData("example.org:70000")]
    [InlineData("[1234:5678::abcd")]
    [InlineData("[not-ipv6]")]
    [InlineData("[::1]x")]
    public void Invalid_server_names_are_rejected(string text) =>
        Assert.False(ServerName.TryParse(text, out _, out _));

    [Fact]
    public void Server_names_are_compared_case_sensitively() =>
        Assert.NotEqual(ServerName.Parse("matrix.org"), ServerName.Parse("MATRIX.ORG"));
}
