using System.Text.RegularExpressions;
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

        // Each line is written once its response has gone: wait for both, in whichever order they come.
        await app.WaitForLogsAsync(logs => RequestLines(logs).Count >= 2);
        var lines = RequestLines(app.Logs);
        Assert.Equal(2, lines.Count);
        Assert.Single(lines, l => Regex.IsMatch(l, @"^GET /.well-known/matrix/client 200 [0-9.]+ms \(request \S+\)$"));
        Assert.Single(lines, l => Regex.IsMatch(l, @"^GET \(unmatched\) 404 [0-9.]+ms"));
        Assert.DoesNotContain(lines, l => l.Contains("secret", StringComparison.Ordinal) || l.Contains("@alice", StringComparison.Ordinal));
    }

    private static List<string> RequestLines(IEnumerable<(LogLevel Level, string Message, Exception? Exception)> logs) =>
        logs.Where(l => l.Level == LogLevel.Information && l.Message.Contains("request ", StringComparison.Ordinal))
            .Select(l => l.Message).ToList();
}
