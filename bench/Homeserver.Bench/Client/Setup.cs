namespace Homeserver.Bench.Client;

/// <summary>Setup calls (not measured): 429s are waited out as the server asks, anything else failing stops the run.</summary>
public static class Setup
{
    private const int MaxAttempts = 50;

    public static async Task<ApiResponse> CallAsync(Func<CancellationToken, Task<ApiResponse>> call, string what,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            ApiResponse response;
            try
            {
                response = await call(cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new BenchSetupException($"{what}: {e.Message}", e);
            }

            if (response.Ok)
            {
                return response;
            }

            if (response.Status == 429 && attempt < MaxAttempts)
            {
                await Task.Delay(response.RetryAfter!.Value, cancellationToken);
                continue;
            }

            throw new BenchSetupException($"{what} failed: {response}");
        }
    }

    /// <summary>Creates a room and returns its ID.</summary>
    public static async Task<string> CreateRoomAsync(MatrixApi api, Session owner, bool isPublic, string name,
        CancellationToken cancellationToken)
    {
        var response = await CallAsync(ct => api.CreateRoomAsync(owner, isPublic, name, ct), "createRoom",
            cancellationToken);
        return response.StringProperty("room_id") ?? throw new BenchSetupException($"createRoom gave no room_id: {response}");
    }

    /// <summary>Joins every session to the room, a few at a time.</summary>
    public static Task JoinAllAsync(MatrixApi api, IEnumerable<Session> sessions, string roomId,
        CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(sessions, Parallelism(cancellationToken), async (session, ct) =>
            await CallAsync(c => api.JoinAsync(session, roomId, c), $"join {roomId} as {session.UserId}", ct));

    /// <summary>Sends <paramref name="count"/> messages into a room, one after another.</summary>
    public static async Task SendManyAsync(MatrixApi api, Session sender, string roomId, int count, string txnPrefix,
        CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            await CallAsync(ct => api.SendMessageAsync(sender, roomId, $"{txnPrefix}-{i}", Payload.Text(i), ct),
                $"send into {roomId}", cancellationToken);
        }
    }

    /// <summary>An initial sync's next_batch, for long-polls that should wait for new events only.</summary>
    public static async Task<string> SinceAsync(MatrixApi api, Session session, string? filter,
        CancellationToken cancellationToken)
    {
        var response = await CallAsync(ct => api.SyncAsync(session, null, 0, filter, ct), $"initial sync of {session.UserId}",
            cancellationToken);
        return response.StringProperty("next_batch") ?? throw new BenchSetupException($"sync gave no next_batch: {response}");
    }

    public static ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
}
