using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Social;

/// <summary>Reports of users: kept for existing local users, answered alike for anyone else (no enumeration).</summary>
public sealed class UserReportTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string ReportPath(string userId) => $"/_matrix/client/v3/users/{RoomSteps.Escape(userId)}/report";

    [Fact]
    public async Task A_report_of_a_user_is_stored_with_reporter_and_reason()
    {
        var alice = await Server.RegisterAsync();
        var spammer = await Server.RegisterAsync();

        await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync(ReportPath(spammer.UserId),
            new JsonObject { ["reason"] = "sends spam" }));

        Assert.Equal([(alice.UserId, "sends spam")], await ReportsOfAsync(spammer.UserId));
    }

    [Fact]
    public async Task Reporting_an_unknown_user_answers_as_for_a_known_one_and_stores_nothing()
    {
        var alice = await Server.RegisterAsync();
        var nobody = "@" + LiveServer.UniqueUsername("nobody") + ":localhost";

        var unknown = await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync(ReportPath(nobody),
            new JsonObject { ["reason"] = "x" }));
        var remote = await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync(ReportPath("@someone:elsewhere.example"),
            new JsonObject { ["reason"] = "x" }));

        Assert.Equal("{}", unknown.GetRawText());
        Assert.Equal("{}", remote.GetRawText());
        Assert.Empty(await ReportsOfAsync(nobody));
    }

    [Fact]
    public async Task A_missing_or_too_long_reason_is_M_BAD_JSON()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await alice.Client.PostAsJsonAsync(ReportPath(bob.UserId), new JsonObject()),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await alice.Client.PostAsJsonAsync(ReportPath(bob.UserId),
            new JsonObject { ["reason"] = new string('x', 1001) }), HttpStatusCode.BadRequest, "M_BAD_JSON");
        Assert.Empty(await ReportsOfAsync(bob.UserId));
    }

    private async Task<List<(string Reporter, string Reason)>> ReportsOfAsync(string userId)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(Server.ConnectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT reporter, reason FROM reports WHERE reported_user_id = $1 AND room_id IS NULL ORDER BY id");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = userId });
        await using var reader = await command.ExecuteReaderAsync();
        var reports = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            reports.Add((reader.GetString(0), reader.GetString(1)));
        }

        return reports;
    }
}
