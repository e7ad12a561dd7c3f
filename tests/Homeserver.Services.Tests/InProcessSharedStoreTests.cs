using Homeserver.Services.Shared;

namespace Homeserver.Services.Tests;

public sealed class InProcessSharedStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Values_round_trip_and_delete()
    {
        using var store = new InProcessSharedStore();

        await store.SetAsync("k", "v"u8.ToArray(), null, None);
        Assert.Equal("v"u8.ToArray(), await store.GetAsync("k", None));
        await store.DeleteAsync("k", None);

        Assert.Null(await store.GetAsync("k", None));
    }

    [Fact]
    public async Task Stored_values_are_copies_of_the_callers_buffer()
    {
        using var store = new InProcessSharedStore();
        var buffer = "abc"u8.ToArray();

        await store.SetAsync("k", buffer, null, None);
        buffer[0] = (byte)'z';

        Assert.Equal("abc"u8.ToArray(), await store.GetAsync("k", None));
    }

    [Fact]
    public async Task Subscribers_receive_until_they_unsubscribe()
    {
        using var store = new InProcessSharedStore();
        var received = new List<string>();
        var subscription = await store.SubscribeAsync("c", m => received.Add(System.Text.Encoding.UTF8.GetString(m.Span)), None);

        await store.PublishAsync("c", "one"u8.ToArray(), None);
        await store.PublishAsync("other", "ignored"u8.ToArray(), None);
        await subscription.DisposeAsync();
        await store.PublishAsync("c", "two"u8.ToArray(), None);

        Assert.Equal(["one"], received);
    }

    [Fact]
    public async Task Entries_expire()
    {
        using var store = new InProcessSharedStore();

        await store.SetAsync("k", "v"u8.ToArray(), TimeSpan.FromMilliseconds(50), None);
        await Task.Delay(150);

        Assert.Null(await store.GetAsync("k", None));
    }
}
