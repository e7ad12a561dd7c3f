using System.Collections.Concurrent;
using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Runs password hashes (PBKDF2: a core for ~0.1 s each) on a few threads of their own, never on the thread pool,
/// so a burst of logins cannot take the cores or the pool's threads from other requests. Callers wait without a thread;
/// when more than <see cref="PasswordHashingSettings.MaxQueued"/> wait, the next caller gets 429 M_LIMIT_EXCEEDED
/// instead of joining a queue that only grows.
/// </summary>
public sealed class PasswordHashing : IDisposable
{
    private static readonly TimeSpan QueueFullRetryAfter = TimeSpan.FromSeconds(1);
    private readonly PasswordHasher _hasher;
    private readonly BlockingCollection<IWorkItem> _queue = new();
    private readonly Thread[] _threads;
    private readonly int _maxPending;
    private int _pending;

    /// <param name="limitQueue">False (rate limits off): callers always queue; the thread count still holds.</param>
    public PasswordHashing(PasswordHasher hasher, PasswordHashingSettings settings, bool limitQueue)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _hasher = hasher;
        _maxPending = limitQueue ? settings.Concurrency + settings.MaxQueued : int.MaxValue;
        _threads = new Thread[settings.Concurrency];
        for (var i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = "password-hashing" };
            _threads[i].Start();
        }
    }

    /// <summary>Hashes taken or waiting now.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        return RunAsync(() => _hasher.Hash(password), cancellationToken);
    }

    /// <summary>See <see cref="PasswordHasher.Verify"/>.</summary>
    public Task<bool> VerifyAsync(string password, string? storedHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        return RunAsync(() => _hasher.Verify(password, storedHash), cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> on a hashing thread; 429 when the queue is full.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Interlocked.Increment(ref _pending) > _maxPending)
        {
            Interlocked.Decrement(ref _pending);
            throw MatrixException.LimitExceeded(QueueFullRetryAfter);
        }

        var item = new WorkItem<T>(work, () => Interlocked.Decrement(ref _pending), cancellationToken);
        try
        {
            _queue.Add(item, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            Interlocked.Decrement(ref _pending);
            throw new ObjectDisposedException(nameof(PasswordHashing));
        }

        return item.Task;
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _queue.Dispose();
    }

    private void Work()
    {
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            item.Run();
        }
    }

    private interface IWorkItem
    {
        void Run();
    }

    private sealed class WorkItem<T>(Func<T> work, Action done, CancellationToken cancellationToken) : IWorkItem
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _result.Task;

        public void Run()
        {
            try
            {
                // A caller that gave up (request aborted) while queued costs no hash.
                if (cancellationToken.IsCancellationRequested)
                {
                    _result.TrySetCanceled(cancellationToken);
                    return;
                }

                _result.TrySetResult(work());
            }
            catch (Exception e)
            {
                _result.TrySetException(e);
            }
            finally
            {
                done();
            }
        }
    }
}
