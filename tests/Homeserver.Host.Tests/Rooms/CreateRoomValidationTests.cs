using System.Net;
using System.Text;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>createRoom's body values (CreateRoomRequestValidator) as a client sees them: the errcode and text.</summary>
public sealed class CreateRoomValidationTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Theory]
    [InlineData("""{"visibility": "secret"}""", "M_BAD_JSON", "'visibility' must be public or private")]
    [InlineData("""{"preset": "party"}""", "M_BAD_JSON", "Unknown preset 'party'")]
    [InlineData("""{"room_alias_name": "a:b"}""", "M_INVALID_PARAM",
        "'room_alias_name' must be an alias localpart (no ':' or whitespace)")]
    public async Task A_bad_value_is_400_with_its_errcode_and_text_and_creates_nothing(string body, string errcode,
        string message)
    {
        var alice = await Server.RegisterAsync();

        var error = await MatrixAssert.ErrorAsync(await alice.Client.PostAsync("/_matrix/client/v3/createRoom",
            new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, errcode);

        Assert.Equal(message, error.GetProperty("error").GetString());
        var rooms = await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/joined_rooms"));
        Assert.Equal(0, rooms.GetProperty("joined_rooms").GetArrayLength());
    }

    [Fact]
    public async Task An_invite_that_is_not_a_user_id_is_400_M_INVALID_PARAM_and_creates_nothing()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();

        var error = await MatrixAssert.ErrorAsync(await alice.Client.PostAsync("/_matrix/client/v3/createRoom",
                new StringContent($$"""{"invite": ["{{bob.UserId}}", "bob"]}""", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");

        Assert.StartsWith("Invalid user ID in invite: ", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        var rooms = await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/joined_rooms"));
        Assert.Equal(0, rooms.GetProperty("joined_rooms").GetArrayLength());
    }
}
