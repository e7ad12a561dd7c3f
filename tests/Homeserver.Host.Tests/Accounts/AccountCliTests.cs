using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Testing;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

public sealed class AccountCliTests
{
    [Fact]
    public async Task Register_user_admin_creates_the_first_account_on_a_closed_server_and_it_can_log_in()
    {
        var database = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        var environment = new Dictionary<string, string>
        {
            ["Homeserver__Database__ConnectionString"] = database,
            ["Homeserver__ServerName"] = "test.local",
        };

        var (exitCode, output) = await HomeserverProcess.RunAsync(
            ["register-user", "--username", "root", "--password", "s3cret", "--admin"], environment);
        var again = await HomeserverProcess.RunAsync(["register-user", "-u", "root", "-p", "other"], environment);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Created @root:test.local (administrator)", output, StringComparison.Ordinal);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("M_USER_IN_USE", again.Output, StringComparison.Ordinal);
        await using var server = await LiveServer.StartAsync(serverName: "test.local", settings: new Dictionary<string, string?>
        {
            ["Homeserver:Registration:Enabled"] = "false",
        }, connectionString: database);
        var login = await server.LoginBodyAsync("root", "s3cret");
        Assert.Equal("@root:test.local", login.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task Register_user_reads_the_password_from_standard_input()
    {
        var database = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        var environment = new Dictionary<string, string>
        {
            ["Homeserver__Database__ConnectionString"] = database,
            ["Homeserver__ServerName"] = "test.local",
        };

        await using var process = HomeserverProcess.Start(["register-user", "--username", "piped"], environment, stdin: "from stdin\n");
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, process.Output);
        await using var server = await LiveServer.StartAsync(serverName: "test.local", connectionString: database);
        await server.LoginBodyAsync("piped", "from stdin");
    }

    [Fact]
    public async Task A_registration_token_made_with_the_cli_registers_one_account()
    {
        var database = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        var (exitCode, output) = await HomeserverProcess.RunAsync(
            ["registration-token", "create", "--uses", "1", "--token", "invite-42"],
            new Dictionary<string, string> { ["Homeserver__Database__ConnectionString"] = database });
        Assert.True(exitCode == 0, output);
        Assert.Contains("invite-42", output, StringComparison.Ordinal);
        await using var server = await LiveServer.StartAsync(serverName: "test.local", settings: new Dictionary<string, string?>
        {
            ["Homeserver:Registration:RequireToken"] = "true",
        }, connectionString: database);

        var validity = await server.GetAsync("/_matrix/client/v1/register/m.login.registration_token/validity?token=invite-42");
        var session = (await server.PostAsync("/_matrix/client/v3/register", new JsonObject())).Body.GetProperty("session").GetString();
        var (status, _) = await server.PostAsync("/_matrix/client/v3/register", new JsonObject
        {
            ["username"] = "invited", ["password"] = "pw",
            ["auth"] = new JsonObject { ["type"] = "m.login.registration_token", ["token"] = "invite-42", ["session"] = session },
        });

        Assert.True(validity.Body.GetProperty("valid").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
