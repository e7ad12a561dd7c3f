using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Admin.Rooms;

/// <summary>
/// Runs the admin's long jobs on rooms (delete, purge history) in the background: the call answers with the job's
/// ID at once, the job's status (scheduled, active, complete, failed) is kept in <c>admin_room_jobs</c> for the
/// status endpoints. Jobs run in this process; one still running when the process stops stays "active".
/// </summary>
public sealed partial class AdminRoomJobs(IAdminRoomJobStore store, TimeProvider time, ILogger<AdminRoomJobs> logger)
{
    public const string Delete = "delete";
    public const string PurgeHistory = "purge_history";

    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>Records a scheduled job and starts <paramref name="work"/>, whose result (JSON text) is stored when it
    /// completes; a <see cref="Core.Errors.MatrixException"/> or other failure stores the job failed with its
    /// message.</summary>
    public async Task<string> StartAsync(string kind, string roomId, Func<CancellationToken, Task<string?>> work,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var jobId = NewId();
        await store.CreateAsync(new AdminRoomJob(jobId, kind, roomId, "scheduled", null, null,
            time.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken);
        _running[jobId] = Task.Run(() => RunAsync(jobId, work), CancellationToken.None);
        return jobId;
    }

    /// <summary>Completes when the job started by this process has finished (at once for any other).</summary>
    public Task WhenFinishedAsync(string jobId) => _running.GetValueOrDefault(jobId) ?? Task.CompletedTask;

    private async Task RunAsync(string jobId, Func<CancellationToken, Task<string?>> work)
    {
        try
        {
            await store.UpdateAsync(jobId, "active", null, null, CancellationToken.None);
            var result = await work(CancellationToken.None);
            await store.UpdateAsync(jobId, "complete", result, null, CancellationToken.None);
        }
#pragma warning disable CA1031 // a failed job is recorded as failed, whatever the failure
        catch (Exception failed)
#pragma warning restore CA1031
        {
            LogFailed(logger, failed, jobId);
            await store.UpdateAsync(jobId, "failed", null, failed.Message, CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin room job {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception failure, string jobId);

    private static string NewId()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        return string.Create(16, alphabet, (chars, a) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = a[RandomNumberGenerator.GetInt32(a.Length)];
            }
        });
    }
}
