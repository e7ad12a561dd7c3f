using Homeserver.Core.AppServices;
using Homeserver.Services.AppServices.Push;
using Homeserver.Services.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Services.Tests.AppServices;

/// <summary>The sender's loop: it sends when woken, and after a failure waits out the back-off on its clock.</summary>
public sealed class AppServiceSenderTests
{
    [Fact]
    public async Task A_woken_sender_sends_and_after_a_failure_retries_only_when_the_backoff_ends()
    {
        await using var harness = await AppServicePushHarness.StartAsync();
        var sender = new AppServiceSender(AppServiceRegistry.Create([("test", harness.Registration)], out _),
            harness.Delivery, new InProcessSharedStore(), harness.Options, NullLogger<AppServiceSender>.Instance);
        using var stop = new CancellationTokenSource();
        var running = sender.RunAsync(stop.Token);
        await ArmedAsync(harness, harness.Options.PollInterval); // idle: waits for work

        await harness.QueueEventsAsync(1);
        harness.Fake.AnswerNext(500);
        await sender.WakeAsync(["bridge"], CancellationToken.None);
        var failed = await harness.Fake.NextAsync();
        await ArmedAsync(harness, harness.Options.InitialBackoff);

        sender.Wake("bridge"); // new work does not cut the back-off short
        await harness.QueueEventsAsync(1);
        harness.Clock.Advance(harness.Options.InitialBackoff - TimeSpan.FromMilliseconds(1));
        Assert.Single(harness.Fake.Requests);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var retried = await harness.Fake.NextAsync();
        var next = await harness.Fake.NextAsync();
        Assert.Equal((failed.Path, failed.Body), (retried.Path, retried.Body));
        Assert.Equal(["$e2"], AppServicePushHarness.EventIdsOf(next));

        await stop.CancelAsync();
        await running;
    }

    /// <summary>Until the sender arms a wait of <paramref name="due"/> (requests arm their timeouts too).</summary>
    private static async Task ArmedAsync(AppServicePushHarness harness, TimeSpan due)
    {
        while (await harness.Clock.NextTimerAsync() != due)
        {
        }
    }
}
