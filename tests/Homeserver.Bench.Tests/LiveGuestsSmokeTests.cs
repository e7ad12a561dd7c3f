using Homeserver.Bench.Cli;
using Homeserver.Bench.FederationLatency;
using Homeserver.Testing;

namespace Homeserver.Bench.Tests;

/// <summary>
/// live-guests at a tiny size against a server of ours that lets guests register: every message every poster sends
/// reaches every guest's /sync, and the server's figures are reported.
/// </summary>
public sealed class LiveGuestsSmokeTests
{
    [Fact]
    public async Task Every_posted_message_reaches_every_guest_long_polling_the_event_channel()
    {
        using var data = new TempDirectory();
        var connectionString = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        await using var server = await BenchHomeservers.StartAsync(data.Path, connectionString,
            new Dictionary<string, string?> { ["Registration:AllowGuests"] = "true" }, CancellationToken.None);
        var sizes = BenchSizes.Tiny with { Guests = 5, Posters = 2, PostRate = 5, LiveDuration = TimeSpan.FromSeconds(2) };
        var options = new BenchOptions
        {
            BaseUrl = server.Addresses[0],
            Scenarios = ["live-guests"],
            ServerPid = Environment.ProcessId,
            Sizes = sizes,
            SizeName = "tiny",
            HttpBaseline = false,
        };

        var report = await BenchRunner.RunAsync(options, TextWriter.Null, CancellationToken.None);

        Assert.Empty(report.Failures);
        Assert.Equal(["live-guests/delivery", "live-guests/send"], report.Results.Select(r => r.Name));
        var delivery = report.Results[0];
        var send = report.Results[1];
        Assert.True(delivery.Errors == 0, string.Join(", ", delivery.ErrorsByKind));
        Assert.True(send.Errors == 0, string.Join(", ", send.ErrorsByKind));
        Assert.Equal(10, send.Latency.Count);
        Assert.Equal(10, delivery.Extra["messages_sent"]);
        Assert.Equal(5 * 10, delivery.Latency.Count);
        Assert.True(delivery.Extra["sync_responses"] > 0);
        Assert.True(delivery.Extra["rss_steady_bytes"] > 0);
        // The kernel's RSS counters are per-CPU and read approximately, so a sampled VmRSS can exceed a later VmHWM
        // by a few megabytes; the peak of a life is still never far below the highest sample.
        Assert.True(delivery.Extra["rss_vmhwm_bytes"] >= 0.9 * delivery.Extra["rss_peak_sampled_bytes"]);
    }

    [Theory]
    [InlineData("60s", 60)]
    [InlineData("2m", 120)]
    [InlineData("500ms", 0.5)]
    [InlineData("90", 90)]
    public void Durations_are_read_with_their_unit(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), SizeOptions.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("-5s")]
    [InlineData("0")]
    [InlineData("soon")]
    public void Durations_that_are_not_positive_are_refused(string text) => Assert.Null(SizeOptions.ParseDuration(text));
}
