using System.Text.Json.Nodes;
using Homeserver.Services.Admin;

namespace Homeserver.Services.Tests.Admin;

public sealed class AdminPageTests
{
    [Fact]
    public void A_page_short_of_the_total_gives_the_offset_of_the_next_page_as_a_string()
    {
        var response = new AdminPage(From: 10, Limit: 5).Complete(new JsonObject(), returned: 5, total: 30);

        Assert.Equal("15", response["next_token"]!.GetValue<string>());
        Assert.Equal(30, response["total"]!.GetValue<long>());
    }

    [Fact]
    public void The_last_page_has_no_next_token()
    {
        var response = new AdminPage(From: 25, Limit: 5).Complete(new JsonObject(), returned: 5, total: 30);

        Assert.False(response.ContainsKey("next_token"));
        Assert.Equal(30, response["total"]!.GetValue<long>());
    }

    [Fact]
    public void The_token_can_be_a_number_for_the_lists_that_give_one()
    {
        var response = new AdminPage(From: 0, Limit: 2).Complete(new JsonObject(), returned: 2, total: 3,
            tokenAsString: false);

        Assert.Equal(2, response["next_token"]!.GetValue<long>());
    }
}
