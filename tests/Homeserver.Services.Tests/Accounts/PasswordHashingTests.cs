using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Tests.Accounts;

public sealed class PasswordHashingTests
{
    private static readonly PasswordHasher Hasher = new(1_000);

    [Fact]
    public async Task Hash_and_verify_round_trip_through_the_hashing_threads()
    {
        using var hashing = new PasswordHashing(Hasher, new PasswordHashingSettings(1, 4), limitQueue: true);

        var hash = await hashing.HashAsync("secret", CancellationToken.None);

        Assert.True(await hashing.VerifyAsync("secret", hash, CancellationToken.None));
        Assert.False(await hashing.VerifyAsync("guess", hash, CancellationToken.None));
        Assert.False(await hashing.VerifyAsync("secret", null, CancellationToken.None));
        Assert.Equal(0, hashing.Pending);
    }

    [Fact]
    public async Task Hashing_never_runs_on_the_thread_pool()
    {
        using var hashing = new PasswordHashing(Hasher, new PasswordHashingSettings(2, 4), limitQueue: true);

        var onPool = await hashing.RunAsync(() => Thread.CurrentThread.IsThreadPoolThread, CancellationToken.None);

        Assert.False(onPool);
    }

    [Fact]
    public async Task At_most_the_configured_hashes_run_at_once_and_a_full_queue_answers_429()
    {
        using var hashing = new PasswordHashing(Hasher, new PasswordHashingSettings(1, 1), limitQueue: true);
        using var started = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        var running = 0;
        var mostAtOnce = 0;
        int Work()
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            started.Release();
            release.Wait();
            Interlocked.Decrement(ref running);
            return now;
        }

        var first = hashing.RunAsync(Work, CancellationToken.None);
        await started.WaitAsync();
        var queued = hashing.RunAsync(Work, CancellationToken.None);

        var error = Assert.Throws<MatrixException>(() => { _ = hashing.RunAsync(Work, CancellationToken.None); });
        Assert.Equal(ErrorCode.LimitExceeded, error.Code);
        Assert.NotNull(error.RetryAfter);
        Assert.Equal(2, hashing.Pending);

        release.Set();
        await Task.WhenAll(first, queued);
        Assert.Equal(1, mostAtOnce);
        Assert.Equal(0, hashing.Pending);
    }

    [Fact]
    public async Task With_rate_limits_off_callers_queue_without_limit_but_threads_stay_bounded()
    {
        using var hashing = new PasswordHashing(Hasher, new PasswordHashingSettings(1, 0), limitQueue: false);
        using var started = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        var running = 0;
        var mostAtOnce = 0;
        int Work()
        {
            InterlockedMax(ref mostAtOnce, Interlocked.Increment(ref running));
            started.Release();
            release.Wait();
            Interlocked.Decrement(ref running);
            return 0;
        }

        var first = hashing.RunAsync(Work, CancellationToken.None);
        await started.WaitAsync();
        var rest = Enumerable.Range(0, 20).Select(_ => hashing.RunAsync(Work, CancellationToken.None)).ToList();
        Assert.Equal(21, hashing.Pending);

        release.Set();
        await Task.WhenAll(rest.Append(first));
        Assert.Equal(1, mostAtOnce);
    }

    [Fact]
    public async Task A_caller_that_gave_up_while_queued_costs_no_hash()
    {
        using var hashing = new PasswordHashing(Hasher, new PasswordHashingSettings(1, 4), limitQueue: true);
        using var started = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        var blocker = hashing.RunAsync(() =>
        {
            started.Release();
            release.Wait();
            return 0;
        }, CancellationToken.None);
        await started.WaitAsync();
        using var abandon = new CancellationTokenSource();
        var ran = false;
        var abandoned = hashing.RunAsync(() => ran = true, abandon.Token);

        await abandon.CancelAsync();
        release.Set();
        await blocker;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.False(ran);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) &&
               Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
