using Homeserver.Services.Sync;

namespace Homeserver.Services.Tests.Sync;

public sealed class SyncPassGateTests
{
    [Fact]
    public async Task No_more_passes_than_the_limit_run_at_once_and_a_waiting_one_enters_when_one_leaves()
    {
        using var gate = new SyncPassGate(2);
        var first = await gate.EnterAsync(CancellationToken.None);
        var second = await gate.EnterAsync(CancellationToken.None);

        var third = gate.EnterAsync(CancellationToken.None);

        Assert.False(third.IsCompleted);
        Assert.Equal(2, gate.Running);
        second.Dispose();
        second.Dispose(); // a slot is given back once, however often disposed
        using (await third)
        {
            Assert.Equal(2, gate.Running);
        }

        first.Dispose();
        Assert.Equal(0, gate.Running);
    }

    [Fact]
    public async Task A_pass_cancelled_while_waiting_takes_no_slot()
    {
        using var gate = new SyncPassGate(1);
        var held = await gate.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = gate.EnterAsync(cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        Assert.Equal(0, gate.Running);
    }

    [Theory]
    [InlineData(100, 25)]
    [InlineData(8, 2)]
    [InlineData(3, 1)]
    [InlineData(1, 1)]
    public void The_gate_of_a_connection_pool_is_a_quarter_of_it(int poolSize, int limit)
    {
        using var gate = SyncPassGate.ForPool(poolSize);

        Assert.Equal(limit, gate.Limit);
    }
}
