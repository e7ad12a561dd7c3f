using Microsoft.Extensions.Logging;

namespace Homeserver.ClientApi.Tests;

public sealed class RequestLoggingTests
{
    [Fact]
    public async Task One_information_line_per_request_names_method_route_status_and_duration()
    {
        await using var app = await TestApp.StartAsync();

        await app.Client.GetAsync("/.well-known/matrix/client?access_token=secret");
        await app.Client.GetAsync("/_matrix/client/v3/missing/@alice:example.org");

        var lines = app.Logs.Where(l => l.Level == LogLevel.Information && l.Message.Contains("request ", StringComparison.Ordinal))
            .Select(l => l.Message).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Matches(@"^GET /.well-known/matrix/client 200 [0-9.]+ms \(request \S+\)$", lines[0]);
        Assert.Matches(@"^GET \(unmatched\) 404 [0-9.]+ms", lines[1]);
        Assert.DoesNotContain(lines, l => l.Contains("secret", StringComparison.Ordinal) || l.Contains("@alice", StringComparison.Ordinal));
    }
}
