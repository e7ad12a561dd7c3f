using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

/// <summary>Profiles: the whole profile, one field, setting and deleting displayname, avatar_url, m.tz and custom fields.</summary>
public sealed class ProfileTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_new_users_profile_has_its_localpart_as_display_name_and_anyone_may_read_it()
    {
        var session = await Server.RegisterAsync("profile_reader_" + LiveServer.UniqueUsername());
        var localpart = session.UserId[1..session.UserId.IndexOf(':', StringComparison.Ordinal)];

        var profile = await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(ProfilePath(session)));

        Assert.Equal($$"""{"displayname":"{{localpart}}"}""", profile.GetRawText());
    }

    [Fact]
    public async Task Display_name_and_avatar_set_by_the_user_show_in_the_profile_and_each_field()
    {
        var session = await Server.RegisterAsync();

        await PutFieldAsync(session, "displayname", "Alice Margatroid");
        await PutFieldAsync(session, "avatar_url", "mxc://localhost/SDGdghriugerRg");

        var profile = await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(ProfilePath(session)));
        Assert.Equal("Alice Margatroid", profile.GetProperty("displayname").GetString());
        Assert.Equal("mxc://localhost/SDGdghriugerRg", profile.GetProperty("avatar_url").GetString());
        var field = await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(ProfilePath(session, "displayname")));
        Assert.Equal("""{"displayname":"Alice Margatroid"}""", field.GetRawText());
    }

    [Fact]
    public async Task Time_zone_and_custom_fields_of_any_json_type_are_stored_and_returned()
    {
        var session = await Server.RegisterAsync();

        await PutFieldAsync(session, "m.tz", "Europe/London");
        await PutFieldAsync(session, "com.example.job", JsonNode.Parse("""{"title":"Engineer","years":[1,2]}"""));
        await PutFieldAsync(session, "org.example.nothing", null);

        Assert.Equal("""{"com.example.job":{"title":"Engineer","years":[1,2]}}""",
            (await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(ProfilePath(session, "com.example.job"))))
            .GetRawText());
        Assert.Equal("""{"org.example.nothing":null}""",
            (await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(ProfilePath(session, "org.example.nothing"))))
            .GetRawText());
        var profile = await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(ProfilePath(session)));
        Assert.Equal("Europe/London", profile.GetProperty("m.tz").GetString());
        Assert.Equal(2, profile.GetProperty("com.example.job").GetProperty("years").GetArrayLength());
    }

    [Fact]
    public async Task Deleting_a_field_removes_it_and_deleting_a_missing_field_succeeds()
    {
        var session = await Server.RegisterAsync();
        await PutFieldAsync(session, "com.example.pet", "cat");

        await MatrixAssert.OkAsync(await session.Client.DeleteAsync(ProfilePath(session, "com.example.pet")));
        await MatrixAssert.OkAsync(await session.Client.DeleteAsync(ProfilePath(session, "displayname")));
        await MatrixAssert.OkAsync(await session.Client.DeleteAsync(ProfilePath(session, "com.example.never_set")));

        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ProfilePath(session, "com.example.pet")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ProfilePath(session, "displayname")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.Equal("{}", (await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(ProfilePath(session)))).GetRawText());
    }

    [Fact]
    public async Task An_empty_display_name_or_avatar_clears_it()
    {
        var session = await Server.RegisterAsync();
        await PutFieldAsync(session, "avatar_url", "mxc://localhost/abc");

        await PutFieldAsync(session, "displayname", "");
        await PutFieldAsync(session, "avatar_url", "");

        Assert.Equal("{}", (await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(ProfilePath(session)))).GetRawText());
    }

    [Fact]
    public async Task Changing_or_deleting_another_users_profile_is_M_FORBIDDEN()
    {
        var session = await Server.RegisterAsync();
        var victim = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await session.Client.PutAsJsonAsync(ProfilePath(victim, "displayname"),
            new JsonObject { ["displayname"] = "pwned" }), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await session.Client.DeleteAsync(ProfilePath(victim, "displayname")),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");

        var profile = await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(ProfilePath(victim)));
        Assert.NotEqual("pwned", profile.GetProperty("displayname").GetString());
    }

    [Fact]
    public async Task An_unknown_local_user_or_a_missing_field_is_M_NOT_FOUND()
    {
        var session = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ProfilePath("@nobody_here:localhost")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ProfilePath("@nobody_here:localhost", "displayname")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ProfilePath(session, "avatar_url")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ProfilePath(session, "m.tz")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Profiles_on_a_server_that_cannot_be_reached_are_not_found()
    {
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ProfilePath("@alice:example.org")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ProfilePath("@alice:example.org", "displayname")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task An_invalid_user_id_or_key_name_is_M_INVALID_PARAM()
    {
        var session = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ProfilePath("not-a-user-id")),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        foreach (var key in new[] { "nodots", "Com.Example.Upper", "com..example", "m.tz.", "com.example.field%0A" })
        {
            await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ProfilePath(session) + "/" + key),
                HttpStatusCode.BadRequest, "M_INVALID_PARAM");
            await MatrixAssert.ErrorAsync(await session.Client.PutAsync(ProfilePath(session) + "/" + key,
                new StringContent($$"""{"{{key}}":"x"}""", Encoding.UTF8, "application/json")),
                HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        }
    }

    [Fact]
    public async Task A_key_over_255_bytes_is_M_KEY_TOO_LARGE()
    {
        var session = await Server.RegisterAsync();
        var longest = "com.example." + new string('a', 255 - "com.example.".Length);
        var tooLong = longest + "a";

        await PutFieldAsync(session, longest, "fits");
        await MatrixAssert.ErrorAsync(await session.Client.PutAsJsonAsync(ProfilePath(session, tooLong),
            new JsonObject { [tooLong] = "x" }), HttpStatusCode.BadRequest, "M_KEY_TOO_LARGE");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ProfilePath(session, tooLong)),
            HttpStatusCode.BadRequest, "M_KEY_TOO_LARGE");
    }

    [Fact]
    public async Task A_change_that_would_make_the_profile_64_KiB_or_more_is_M_PROFILE_TOO_LARGE()
    {
        var session = await Server.RegisterAsync();
        await PutFieldAsync(session, "com.example.big", new string('a', 40_000));

        await MatrixAssert.ErrorAsync(await session.Client.PutAsJsonAsync(ProfilePath(session, "com.example.more"),
                new JsonObject { ["com.example.more"] = new string('é', 13_000) }),
            HttpStatusCode.BadRequest, "M_PROFILE_TOO_LARGE");

        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(ProfilePath(session, "com.example.more")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await PutFieldAsync(session, "com.example.more", new string('é', 10_000));
    }

    [Fact]
    public async Task A_body_without_the_key_is_M_MISSING_PARAM()
    {
        var session = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await session.Client.PutAsJsonAsync(ProfilePath(session, "displayname"),
            new JsonObject { ["avatar_url"] = "mxc://localhost/abc" }), HttpStatusCode.BadRequest, "M_MISSING_PARAM");
    }

    [Fact]
    public async Task Values_of_the_wrong_shape_are_refused()
    {
        var session = await Server.RegisterAsync();

        foreach (var key in new[] { "displayname", "avatar_url", "m.tz" })
        {
            await MatrixAssert.ErrorAsync(await session.Client.PutAsJsonAsync(ProfilePath(session, key),
                new JsonObject { [key] = 42 }), HttpStatusCode.BadRequest, "M_BAD_JSON");
            await MatrixAssert.ErrorAsync(await session.Client.PutAsJsonAsync(ProfilePath(session, key),
                new JsonObject { [key] = null }), HttpStatusCode.BadRequest, "M_BAD_JSON");
        }

        await MatrixAssert.ErrorAsync(await session.Client.PutAsJsonAsync(ProfilePath(session, "avatar_url"),
            new JsonObject { ["avatar_url"] = "https://example.org/me.png" }), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await session.Client.PutAsync(ProfilePath(session, "displayname"),
            new StringContent("{not json", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "M_NOT_JSON");
    }

    [Fact]
    public async Task Guests_may_read_profiles_and_change_only_their_display_name()
    {
        var user = await Server.RegisterAsync();
        var guest = await Server.RegisterGuestAsync();

        await MatrixAssert.OkAsync(await guest.Client.GetAsync(ProfilePath(user)));
        await PutFieldAsync(guest, "displayname", "Visitor");
        Assert.Equal("Visitor", (await MatrixAssert.OkAsync(await guest.Client.GetAsync(ProfilePath(guest, "displayname"))))
            .GetProperty("displayname").GetString());

        await MatrixAssert.ErrorAsync(await guest.Client.PutAsJsonAsync(ProfilePath(guest, "avatar_url"),
            new JsonObject { ["avatar_url"] = "mxc://localhost/abc" }), HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await guest.Client.PutAsJsonAsync(ProfilePath(guest, "com.example.x"),
            new JsonObject { ["com.example.x"] = 1 }), HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await guest.Client.DeleteAsync(ProfilePath(guest, "displayname")),
            HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }

    [Fact]
    public async Task Changing_a_profile_needs_an_access_token_and_r0_paths_answer()
    {
        var session = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await Server.Anonymous.PutAsJsonAsync(ProfilePath(session, "displayname"),
            new JsonObject { ["displayname"] = "x" }), HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.DeleteAsync(ProfilePath(session, "displayname")),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(
            ProfilePath(session, "displayname").Replace("/v3/", "/r0/", StringComparison.Ordinal),
            new JsonObject { ["displayname"] = "Old Client" }));
        await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(
            ProfilePath(session).Replace("/v3/", "/r0/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_user_whose_localpart_has_a_slash_can_change_and_read_its_profile()
    {
        var session = await Server.RegisterAsync("slash/" + LiveServer.UniqueUsername());

        await PutFieldAsync(session, "displayname", "Slashed");

        Assert.Contains("%2F", ProfilePath(session), StringComparison.Ordinal);
        var profile = await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(ProfilePath(session)));
        Assert.Equal("Slashed", profile.GetProperty("displayname").GetString());
    }

    private static string ProfilePath(TestSession session, string? key = null) => ProfilePath(session.UserId, key);

    private static string ProfilePath(string userId, string? key = null) =>
        $"/_matrix/client/v3/profile/{Uri.EscapeDataString(userId)}" + (key is null ? "" : "/" + Uri.EscapeDataString(key));

    private static async Task PutFieldAsync(TestSession session, string key, JsonNode? value) =>
        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(ProfilePath(session, key),
            new JsonObject { [key] = value }));
}
