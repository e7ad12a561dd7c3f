using Homeserver.Host.Tests.Support;
using Npgsql;

namespace Homeserver.Host.Tests.Accounts;

/// <summary>
/// Stored profile custom fields and push rules written around the API that cannot be served are left out (and logged)
/// rather than failing every read: a profile is read by anyone, so one bad row would otherwise break other users.
/// </summary>
public sealed class UnservableStoredProfileTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    public async Task Stored_custom_profile_fields_that_are_not_an_object_are_left_out_of_the_profile(string custom)
    {
        var bob = await Server.RegisterAsync();
        await ExecuteAsync("UPDATE profiles SET custom = @j::jsonb WHERE user_id = @u", bob.UserId, custom);

        var profile = await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(bob.UserId)}"));

        Assert.Equal(["displayname"], profile.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("""{"global": {"override": [{"rule_id": "\ud800", "actions": []}]}}""")]
    [InlineData("not json")]
    [InlineData("[]")]
    public async Task Stored_push_rules_that_cannot_be_served_leave_the_default_rules(string rules)
    {
        var alice = await Server.RegisterAsync();
        await ExecuteAsync("""
            INSERT INTO account_data (user_id, room_id, type, content, stream_id)
            VALUES (@u, '', 'm.push_rules', @j, nextval('account_data_stream_seq'))
            """, alice.UserId, rules);

        var global = (await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/pushrules/")))
            .GetProperty("global");

        Assert.Equal(".m.rule.master", global.GetProperty("override")[0].GetProperty("rule_id").GetString());
    }

    private async Task ExecuteAsync(string sql, string userId, string json)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("u", userId);
        command.Parameters.AddWithValue("j", json);
        Assert.True(await command.ExecuteNonQueryAsync() > 0);
    }
}
