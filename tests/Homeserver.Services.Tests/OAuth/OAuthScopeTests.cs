using Homeserver.Services.OAuth;

namespace Homeserver.Services.Tests.OAuth;

public sealed class OAuthScopeTests
{
    [Fact]
    public void The_api_and_one_device_token_give_the_device_id()
    {
        var scope = OAuthScope.Parse("urn:matrix:client:device:AAABBBCCCDDD urn:matrix:client:api:*", out _);

        Assert.Equal("AAABBBCCCDDD", scope!.DeviceId);
        Assert.Equal("urn:matrix:client:api:* urn:matrix:client:device:AAABBBCCCDDD", scope.ToString());
    }

    [Theory]
    [InlineData("urn:matrix:client:api:*")]
    [InlineData("urn:matrix:client:device:ABC")]
    [InlineData("urn:matrix:client:api:* urn:matrix:client:device:ABC urn:matrix:client:device:DEF")]
    [InlineData("urn:matrix:client:api:* urn:matrix:client:device:")]
    [InlineData("urn:matrix:client:api:* urn:matrix:client:device:A<B")]
    [InlineData("urn:matrix:client:api:* urn:matrix:client:device:ABC openid")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_but_api_and_exactly_one_valid_device_is_refused(string? scope)
    {
        Assert.Null(OAuthScope.Parse(scope, out var problem));
        Assert.NotEmpty(problem);
    }
}
