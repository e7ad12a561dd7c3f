using System.Diagnostics;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Tests.Shared;

public sealed class SharedReadsTests
{
    [Fact]
    public async Task A_caller_shares_a_read_of_the_same_key_started_after_what_it_must_see()
    {
        var reads = new SharedReads<string, int>();
        var calls = 0;
        var mustSee = Stopwatch.GetTimestamp();

        var first = await reads.ReadAsync("room", mustSee, () => Task.FromResult(++calls), CancellationToken.None);
        var second = await reads.ReadAsync("room", mustSee, () => Task.FromResult(++calls), CancellationToken.None);

        Assert.Equal(1, calls);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task A_read_started_before_what_the_caller_must_see_is_not_shared()
    {
        var reads = new SharedReads<string, int>();
        var calls = 0;
        await reads.ReadAsync("room", Stopwatch.GetTimestamp(), () => Task.FromResult(++calls), CancellationToken.None);
        var later = Stopwatch.GetTimestamp() + 1;

        var result = await reads.ReadAsync("room", later, () => Task.FromResult(++calls), CancellationToken.None);

        Assert.Equal(2, calls);
        Assert.Equal(2, result);
    }

    [Fact]
    public async Task Different_keys_and_failed_reads_are_never_shared()
    {
        var reads = new SharedReads<string, int>();
        var mustSee = Stopwatch.GetTimestamp();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            reads.ReadAsync("a", mustSee, () => Task.FromException<int>(new InvalidOperationException()), CancellationToken.None));

        Assert.Equal(7, await reads.ReadAsync("a", mustSee, () => Task.FromResult(7), CancellationToken.None));
        Assert.Equal(8, await reads.ReadAsync("b", mustSee, () => Task.FromResult(8), CancellationToken.None));
    }
}
