namespace Homeserver.Bench.Measurement;

/// <summary>Drives operations: <c>workers</c> loops at once, each running its own operations one after another.</summary>
public static class Load
{
    /// <summary>Runs <paramref name="operation"/>(worker, index) for index 0..perWorker-1 in each of the workers, concurrently.</summary>
    public static Task RunWorkersAsync(int workers, int perWorker, Func<int, int, CancellationToken, Task> operation,
        CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < perWorker; i++)
            {
                await operation(worker, i, cancellationToken);
            }
        }, cancellationToken)));
}
