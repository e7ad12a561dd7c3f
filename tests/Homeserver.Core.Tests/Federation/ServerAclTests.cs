using System.Text.Json;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;

namespace Homeserver.Core.Tests.Federation;

public sealed class ServerAclTests
{
    [Theory]
    [InlineData("""{"allow":["*"]}""", "example.org", true)]
    [InlineData("""{"allow":["*"],"deny":["evil.org"]}""", "evil.org", false)]
    [InlineData("""{"allow":["*"],"deny":["evil.org"]}""", "evil.org:8448", false)]
    [InlineData("""{"allow":["*"],"deny":["*.evil.org"]}""", "sub.evil.org", false)]
    [InlineData("""{"allow":["*"],"deny":["*.evil.org"]}""", "evil.org", true)]
    [InlineData("""{"allow":["*.good.org"]}""", "other.org", false)]
    [InlineData("""{"allow":["good.org"],"deny":["good.org"]}""", "good.org", false)]
    [InlineData("""{"deny":["evil.org"]}""", "example.org", false)]
    [InlineData("""{"allow":["ex?mple.org"]}""", "example.org", true)]
    [InlineData("""{"allow":["*"],"deny":["EVIL.org"]}""", "evil.ORG", false)]
    [InlineData("""{"allow":["*"],"allow_ip_literals":false}""", "127.0.0.1:8448", false)]
    [InlineData("""{"allow":["*"],"allow_ip_literals":false}""", "[::1]:8448", false)]
    [InlineData("""{"allow":["*"]}""", "127.0.0.1", true)]
    [InlineData("""{"allow":[1, "example.org"]}""", "example.org", true)]
    [InlineData("""{"allow":"*"}""", "example.org", false)]
    public void Server_acl_matches_hostnames_as_the_spec_says(string content, string server, bool allowed)
    {
        using var document = JsonDocument.Parse(content);
        Assert.Equal(allowed, ServerAcl.Allows(document.RootElement, ServerName.Parse(server)));
    }
}
