using System.Net;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Misc;

/// <summary>Third-party network lookups with no application service protocols registered.</summary>
public sealed class ThirdPartyLookupTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task No_protocols_are_offered()
    {
        var user = await Server.RegisterAsync();

        var body = await SpecSchema.AssertValidAsync(await user.Client.GetAsync("/_matrix/client/v3/thirdparty/protocols"));

        Assert.Empty(body.EnumerateObject());
    }

    [Theory]
    [InlineData("/_matrix/client/v3/thirdparty/protocol/irc")]
    [InlineData("/_matrix/client/v3/thirdparty/location/irc?channel=%23matrix")]
    [InlineData("/_matrix/client/v3/thirdparty/user/irc?nick=alice")]
    public async Task A_named_protocol_is_unknown(string path)
    {
        var user = await Server.RegisterAsync();

        var response = await user.Client.GetAsync(path);

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await SpecSchema.AssertValidAsync(response);
    }

    [Theory]
    [InlineData("/_matrix/client/v3/thirdparty/location?alias=%23bridged%3Alocalhost")]
    [InlineData("/_matrix/client/v3/thirdparty/user?userid=%40bridged%3Alocalhost")]
    public async Task Reverse_lookups_find_nothing(string path)
    {
        var user = await Server.RegisterAsync();

        var body = await SpecSchema.AssertValidAsync(await user.Client.GetAsync(path));

        Assert.Empty(body.EnumerateArray());
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(path), HttpStatusCode.Unauthorized,
            "M_MISSING_TOKEN");
    }
}
