using System.Net;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Configuration;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.AppServices;

/// <summary>What a server does with its appservice registrations when it starts.</summary>
public sealed class AppServiceStartupTests
{
    private static string Registration(string id, string sender) => $"""
        id: {id}
        url: null
        as_token: {id}-as-{Guid.NewGuid():N}
        hs_token: {id}-hs-{Guid.NewGuid():N}
        sender_localpart: {sender}
        namespaces:
          users:
            - exclusive: true
              regex: '@_{id}_.*'
        """;

    [Fact]
    public async Task Each_appservice_sender_exists_as_a_user_from_the_start_and_again_after_a_restart()
    {
        using var files = new TempDirectory();
        var path = Path.Combine(files.Path, "bot.yaml");
        await File.WriteAllTextAsync(path, Registration("startup", "startupbot"));
        var settings = new Dictionary<string, string?> { ["AppServices:ConfigFiles:0"] = path };

        string connectionString;
        await using (var server = await LiveServer.StartAsync(settings: settings))
        {
            connectionString = server.ConnectionString;
            var (status, profile) = await server.GetAsync("/_matrix/client/v3/profile/@startupbot:localhost");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("startupbot", profile.GetProperty("displayname").GetString());
        }

        await using var restarted = await LiveServer.StartAsync(connectionString, settings);
        Assert.Equal(HttpStatusCode.OK, (await restarted.GetAsync("/_matrix/client/v3/profile/@startupbot:localhost")).Status);
    }

    [Fact]
    public async Task A_broken_registration_file_stops_the_server_naming_the_file_and_the_field()
    {
        using var files = new TempDirectory();
        var path = Path.Combine(files.Path, "broken.yaml");
        await File.WriteAllTextAsync(path, Registration("broken", "brokenbot").Replace("url: null\n", "", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<InvalidSettingException>(() => LiveServer.StartAsync(
            settings: new Dictionary<string, string?> { ["AppServices:ConfigFiles:0"] = path }));

        Assert.Contains($"{path}: field url: is required", error.Message, StringComparison.Ordinal);
    }
}
