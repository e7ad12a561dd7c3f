using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Social;

/// <summary>
/// POST /user_directory/search: users sharing a room with the searcher or joined to a public (or world-readable)
/// room, matched on word prefixes of user ID and display name, kept current as profiles and rooms change.
/// </summary>
public sealed class UserDirectoryTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    /// <summary>A word no other test's user has, so searches see only this test's users.</summary>
    private static string UniqueWord() => "w" + Guid.NewGuid().ToString("N")[..10];

    private async Task<TestSession> UserNamedAsync(string displayName)
    {
        var user = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await user.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(user.UserId)}/displayname",
            new JsonObject { ["displayname"] = displayName }));
        return user;
    }

    private static async Task<JsonElement> SearchAsync(TestSession searcher, string term, int? limit = null)
    {
        var body = new JsonObject { ["search_term"] = term };
        if (limit is not null)
        {
            body["limit"] = limit;
        }

        var response = await searcher.Client.PostAsJsonAsync("/_matrix/client/v3/user_directory/search", body);
        await MatrixAssert.OkAsync(response);
        return await SpecSchema.AssertValidAsync(response, body);
    }

    private static List<string> Found(JsonElement result) =>
        result.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("user_id").GetString()!).ToList();

    [Fact]
    public async Task Users_sharing_a_private_room_are_found_and_strangers_are_not()
    {
        var word = UniqueWord();
        var alice = await UserNamedAsync("Alice " + word);
        var bob = await UserNamedAsync("Bob " + word);
        var carol = await UserNamedAsync("Carol " + word);
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" });
        await alice.InviteAsync(roomId, bob.UserId);
        await bob.JoinAsync(roomId);

        Assert.Equal([bob.UserId], Found(await SearchAsync(alice, "bob " + word)));
        Assert.Empty(Found(await SearchAsync(alice, "carol " + word)));
        Assert.Empty(Found(await SearchAsync(carol, "alice " + word)));
    }

    [Fact]
    public async Task Members_of_a_public_or_world_readable_room_are_found_by_anyone_until_it_stops_being_so()
    {
        var word = UniqueWord();
        var owner = await UserNamedAsync("Owner " + word);
        var reader = await UserNamedAsync("Reader " + word);
        var stranger = await Server.RegisterAsync();
        var publicRoom = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var readable = await reader.CreateRoomWithVisibilityAsync("world_readable", preset: "private_chat");

        Assert.Equal([owner.UserId], Found(await SearchAsync(stranger, "owner " + word)));
        Assert.Equal([reader.UserId], Found(await SearchAsync(stranger, "reader " + word)));

        await owner.SetStateAsync(publicRoom, "m.room.join_rules", "", new JsonObject { ["join_rule"] = "invite" });
        await reader.SetVisibilityAsync(readable, "shared");

        Assert.Empty(Found(await SearchAsync(stranger, word)));
    }

    [Fact]
    public async Task A_private_room_made_public_puts_its_members_in_the_directory()
    {
        var word = UniqueWord();
        var owner = await UserNamedAsync("Hidden " + word);
        var stranger = await Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" });
        Assert.Empty(Found(await SearchAsync(stranger, word)));

        await owner.SetStateAsync(roomId, "m.room.join_rules", "", new JsonObject { ["join_rule"] = "public" });

        Assert.Equal([owner.UserId], Found(await SearchAsync(stranger, word)));
    }

    [Fact]
    public async Task Word_prefixes_of_the_display_name_and_user_id_match_case_insensitively()
    {
        var word = UniqueWord();
        var localpart = LiveServer.UniqueUsername("dirlocal");
        var user = await Server.RegisterAsync(localpart);
        await MatrixAssert.OkAsync(await user.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(user.UserId)}/displayname",
            new JsonObject { ["displayname"] = "Émilie Zola-Smith " + word }));
        var searcher = await Server.RegisterAsync();
        await user.SharedRoomAsync(searcher);

        Assert.Equal([user.UserId], Found(await SearchAsync(searcher, word[..6].ToUpperInvariant())));
        Assert.Equal([user.UserId], Found(await SearchAsync(searcher, "émi " + word)));
        Assert.Equal([user.UserId], Found(await SearchAsync(searcher, "SMI " + word)));
        Assert.Equal([user.UserId], Found(await SearchAsync(searcher, "@" + localpart[..12])));
        Assert.Equal([user.UserId], Found(await SearchAsync(searcher, user.UserId)));
        Assert.Empty(Found(await SearchAsync(searcher, "milie " + word)));
        Assert.Empty(Found(await SearchAsync(searcher, "zola " + word + "x")));
        var result = (await SearchAsync(searcher, word)).GetProperty("results")[0];
        Assert.Equal("Émilie Zola-Smith " + word, result.GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task A_display_name_change_is_searchable_at_once_and_the_old_name_is_not()
    {
        var oldWord = UniqueWord();
        var newWord = UniqueWord();
        var user = await UserNamedAsync(oldWord);
        var searcher = await Server.RegisterAsync();
        await user.SharedRoomAsync(searcher);

        await MatrixAssert.OkAsync(await user.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(user.UserId)}/displayname",
            new JsonObject { ["displayname"] = newWord }));

        Assert.Equal([user.UserId], Found(await SearchAsync(searcher, newWord)));
        Assert.Empty(Found(await SearchAsync(searcher, oldWord)));
    }

    [Fact]
    public async Task Deactivated_users_are_not_found()
    {
        var word = UniqueWord();
        var leaving = await UserNamedAsync(word);
        var searcher = await Server.RegisterAsync();
        await leaving.SharedRoomAsync(searcher);
        Assert.Single(Found(await SearchAsync(searcher, word)));

        await MatrixAssert.OkAsync(await leaving.Client.PostAsJsonAsync("/_matrix/client/v3/account/deactivate",
            new JsonObject
            {
                ["auth"] = new JsonObject
                {
                    ["type"] = "m.login.password",
                    ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = leaving.UserId },
                    ["password"] = LiveServer.Password,
                },
            }));

        Assert.Empty(Found(await SearchAsync(searcher, word)));
    }

    [Fact]
    public async Task The_limit_defaults_to_ten_and_limited_says_more_matched()
    {
        var word = UniqueWord();
        var owner = await UserNamedAsync("Member " + word);
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        for (var i = 0; i < 11; i++)
        {
            await (await UserNamedAsync("Member " + word)).JoinAsync(roomId);
        }

        var searcher = await Server.RegisterAsync();

        var defaults = await SearchAsync(searcher, word);
        var three = await SearchAsync(searcher, word, limit: 3);
        var all = await SearchAsync(searcher, word, limit: 50);
        Assert.Equal(10, defaults.GetProperty("results").GetArrayLength());
        Assert.True(defaults.GetProperty("limited").GetBoolean());
        Assert.Equal(3, three.GetProperty("results").GetArrayLength());
        Assert.Equal(12, all.GetProperty("results").GetArrayLength());
        Assert.False(all.GetProperty("limited").GetBoolean());
    }

    [Fact]
    public async Task A_missing_search_term_is_400_and_a_term_without_words_finds_nothing()
    {
        var searcher = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await searcher.Client.PostAsJsonAsync("/_matrix/client/v3/user_directory/search",
            new JsonObject()), HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await MatrixAssert.ErrorAsync(await searcher.Client.PostAsJsonAsync("/_matrix/client/v3/user_directory/search",
            new JsonObject { ["search_term"] = "x", ["limit"] = "ten" }), HttpStatusCode.BadRequest, "M_BAD_JSON");
        var result = await SearchAsync(searcher, "!!! ::: &|'");
        Assert.Equal("""{"results":[],"limited":false}""", result.GetRawText());
    }
}
